import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';
import { environmentJsonSchema } from '@chatops/environment';
import { describe, expect, it } from 'vitest';

const EXAMPLES = join(__dirname, '../../../examples/cloud-chatops/environments');
const SCHEMA_FILE = join(__dirname, '../environment.schema.json');

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(environmentJsonSchema());
}

describe('environment JSON Schema', () => {
  it('is committed up to date (editors read environment.schema.json)', () => {
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(environmentJsonSchema());
  });

  it.each(['prod.yaml', 'dev.yaml'])('validates the example %s, which points at it', (file) => {
    const source = readFileSync(join(EXAMPLES, file), 'utf8');
    expect(source.split('\n')[0]).toBe('# yaml-language-server: $schema=../../../packages/environment/environment.schema.json');
    const validate = validator();
    expect(validate(load(source)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects a broken environment', () => {
    const doc = load(readFileSync(join(EXAMPLES, 'prod.yaml'), 'utf8')) as Record<string, unknown>;
    const nodes = doc.nodes as Record<string, unknown>[];
    nodes[0] = { ...nodes[0], address: 'not-an-ip', colour: 'red' };
    const validate = validator();
    expect(validate({ ...doc, users: [{ name: 'admin', passwordHash: 'plaintext' }] })).toBe(false);
    const paths = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
    expect(paths).toEqual(expect.arrayContaining(['/nodes/0 additionalProperties', '/users/0/passwordHash pattern']));
    expect(paths.some((p) => p.startsWith('/nodes/0/address'))).toBe(true);
  });
});
