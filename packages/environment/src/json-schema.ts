import { z } from 'zod';
import { environmentSchema } from './schema.js';

/**
 * The JSON Schema of environment files, for editors and ajv. A file with `extends:` only overrides its base, so it
 * is checked against the same schema with nothing required.
 */
export function environmentJsonSchema(): Record<string, unknown> {
  const full = z.toJSONSchema(environmentSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...body } = full;
  return {
    $schema,
    $id: 'https://chatops.dev/schemas/environment.json',
    title: 'ChatOps environment',
    description: body.description,
    if: { type: 'object', required: ['extends'] },
    then: withoutRequired(body),
    else: body,
  };
}

function withoutRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRequired);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'required' || k === 'minItems') continue;
    out[k] = withoutRequired(v);
  }
  return out;
}
