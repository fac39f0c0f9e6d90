import { z } from 'zod';
import { environmentSchema } from './schema.js';

/** The JSON Schema of environment files (input side: defaults optional), for editors and ajv. */
export function environmentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(environmentSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $id: 'https://chatops.dev/schemas/environment.json', title: 'ChatOps environment', ...schema };
}
