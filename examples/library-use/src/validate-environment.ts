/**
 * Validates an environment file with the JSON Schema @chatops/environment ships (what an editor or another
 * language's CI would do, without our loader): node dist/validate-environment.js environments/single.yaml
 */
import { readFileSync } from 'node:fs';
import schema from '@chatops/environment/environment.schema.json' with { type: 'json' };
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';

const file = process.argv[2] ?? 'environments/single.yaml';
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);
if (validate(load(readFileSync(file, 'utf8')))) {
  console.log(`${file}: valid against ${schema.$id}`);
} else {
  for (const e of validate.errors ?? []) console.error(`${file}: ${e.instancePath || '/'}: ${e.message}`);
  process.exitCode = 1;
}
