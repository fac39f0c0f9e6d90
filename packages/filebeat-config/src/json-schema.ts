import { z } from 'zod';
import { filebeatConfigSchema } from './filebeat-config.js';
import { inputsFileSchema } from './inputs.js';

/**
 * JSON Schema (draft 2020-12) of filebeat.yml in nested form, for editors and ajv. Checks that need code (RE2
 * compilation, exactly one output, unique ids) are only in the zod model.
 */
export function filebeatJsonSchema(): Record<string, unknown> {
  return withId(
    z.toJSONSchema(filebeatConfigSchema, { target: 'draft-2020-12', io: 'input' }),
    'https://chatops.dev/schemas/filebeat.json',
  );
}

/** JSON Schema of an external input file (a list of inputs). */
export function inputsFileJsonSchema(): Record<string, unknown> {
  return withId(
    z.toJSONSchema(inputsFileSchema, { target: 'draft-2020-12', io: 'input' }),
    'https://chatops.dev/schemas/filebeat-inputs.json',
  );
}

// A stable, version-free `$id` (shipped as `@chatops/filebeat-config/<name>.schema.json`), so a consumer's ajv can
// register the schema once and other schemas can `$ref` it.
function withId(schema: Record<string, unknown>, $id: string): Record<string, unknown> {
  const { $schema, ...body } = schema;
  return { $schema, $id, ...body };
}
