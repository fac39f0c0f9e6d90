import { z } from 'zod';
import { optionsPlugin } from './_options.js';
import type { Plugin } from './ast.js';

export const jsonFilterSchema = z.strictObject({
  id: z.string().min(1).optional(),
  /** Field holding the JSON text. */
  source: z.string().min(1),
  /** Where to put the parsed object. @default the event root */
  target: z.string().min(1).optional(),
  /** @default false */
  skipOnInvalidJson: z.boolean().optional(),
  /** @default ['_jsonparsefailure'] */
  tagOnFailure: z.array(z.string().min(1)).optional(),
});
export type JsonFilterProps = z.input<typeof jsonFilterSchema>;

/** The `json` filter. */
export function jsonFilter(props: JsonFilterProps): Plugin {
  return optionsPlugin('json', jsonFilterSchema, props);
}
