import { z } from 'zod';
import { filebeatConfigSchema } from './filebeat-config.js';
import { inputsFileSchema } from './inputs.js';

/**
 * JSON Schema (draft 2020-12) of filebeat.yml in nested form, for editors and ajv. Checks that need code (RE2
 * compilation, exactly one output, unique ids) are only in the zod model.
 */
export function filebeatJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(filebeatConfigSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
}

/** JSON Schema of an external input file (a list of inputs). */
export function inputsFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(inputsFileSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
}
