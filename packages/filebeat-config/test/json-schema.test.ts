import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { load } from 'js-yaml';
import { filebeatJsonSchema, inputsFileJsonSchema } from '@chatops/filebeat-config';
import { describe, expect, it } from 'vitest';
import { exampleContext, filebeatBundles } from './_fixtures.js';

const SCHEMAS = { 'filebeat.schema.json': filebeatJsonSchema, 'inputs.schema.json': inputsFileJsonSchema };

function compile(schema: Record<string, unknown>) {
  return new Ajv2020({ allErrors: true, strict: false }).compile(schema);
}

describe('JSON Schema exported from the zod model', () => {
  it.each(Object.entries(SCHEMAS))('%s is committed up to date (for editors)', (file, make) => {
    expect(JSON.parse(readFileSync(join(__dirname, '..', file), 'utf8'))).toEqual(make());
  });

  it.each(['prod', 'dev'] as const)('validates every file rendered for %s', (envName) => {
    const main = compile(filebeatJsonSchema());
    const inputs = compile(inputsFileJsonSchema());
    let checked = 0;
    for (const [node, artifacts] of filebeatBundles(exampleContext(envName))) {
      for (const a of artifacts.filter((x) => x.path.startsWith('/etc/filebeat/'))) {
        const validate = a.path.endsWith('/filebeat.yml') ? main : inputs;
        expect(validate(load(a.content)), `${node}:${a.path} ${JSON.stringify(validate.errors)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(envName === 'prod' ? 30 : 15);
  });

  it('rejects unknown and misplaced keys with their paths', () => {
    const validate = compile(filebeatJsonSchema());
    const doc = {
      filebeat: { inputs: [{ type: 'filestream', id: 'a', paths: ['/x'], multiline: { pattern: '^x' } }] },
      output: { logstash: { hosts: ['l:5044'] } },
      ssl: { enabled: true },
    };
    expect(validate(doc)).toBe(false);
    const errors = (validate.errors ?? [])
      .filter((e) => e.keyword === 'additionalProperties')
      .map((e) => `${e.instancePath} ${JSON.stringify(e.params)}`);
    expect(errors).toEqual(
      expect.arrayContaining(['/filebeat/inputs/0 {"additionalProperty":"multiline"}', ' {"additionalProperty":"ssl"}']),
    );
  });
});
