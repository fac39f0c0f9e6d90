// Validates every environment file against the JSON Schema @chatops/environment ships (the same schema editors
// use through the `# yaml-language-server: $schema=` line). `chatops-render <env> --check` checks more (secrets,
// cross-references, the daemons' own checkers); this step is fast, and shows every schema error of every file.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const schema = require('@chatops/environment/environment.schema.json');
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const dir = process.argv[2] ?? 'environments';
let failed = 0;
for (const name of readdirSync(dir)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort()) {
  const file = join(dir, name);
  const text = readFileSync(file, 'utf8');
  const doc = name.endsWith('.json') ? JSON.parse(text) : parse(text, { version: '1.1' });
  if (validate(doc)) {
    console.log(`${file}: valid`);
    continue;
  }
  failed++;
  for (const e of validate.errors ?? []) console.error(`${file}: ${e.instancePath || '/'} ${e.message}`);
}
process.exit(failed > 0 ? 2 : 0);
