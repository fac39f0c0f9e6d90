import { z } from 'zod';
import { optionsPlugin } from './_options.js';
import type { Plugin } from './ast.js';

const fields = z.record(z.string().min(1), z.string());

export const mutateFilterSchema = z.strictObject({
  id: z.string().min(1).optional(),
  /** Old field -> new field. */
  rename: fields.optional(),
  /** Field -> new value (sprintf). */
  replace: fields.optional(),
  /** Field -> value, only when the field exists. */
  update: fields.optional(),
  /** Field -> type. */
  convert: z.record(z.string().min(1), z.enum(['integer', 'integer_eu', 'float', 'float_eu', 'string', 'boolean'])).optional(),
  /** Source field -> destination field. */
  copy: fields.optional(),
  lowercase: z.array(z.string().min(1)).optional(),
  uppercase: z.array(z.string().min(1)).optional(),
  strip: z.array(z.string().min(1)).optional(),
  /** Common option: added when the filter succeeds. */
  addField: fields.optional(),
  removeField: z.array(z.string().min(1)).optional(),
  addTag: z.array(z.string().min(1)).optional(),
  removeTag: z.array(z.string().min(1)).optional(),
});
export type MutateFilterProps = z.input<typeof mutateFilterSchema>;

/** The `mutate` filter (options print in the order Logstash applies them). */
export function mutateFilter(props: MutateFilterProps): Plugin {
  return optionsPlugin('mutate', mutateFilterSchema, props);
}
