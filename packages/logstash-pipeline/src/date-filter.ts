import { z } from 'zod';
import { optionsPlugin } from './_options.js';
import type { Plugin } from './ast.js';
import { checkDateFormat } from './joda-format.js';

export const dateFilterSchema = z.strictObject({
  id: z.string().min(1).optional(),
  /** `[field, format, format...]`: formats are Joda-Time patterns or ISO8601, UNIX, UNIX_MS, TAI64N. */
  match: z
    .tuple([z.string().min(1)], z.string().min(1))
    .refine((m) => m.length >= 2, { message: 'match needs a field and at least one format' }),
  /** @default '@timestamp' */
  target: z.string().min(1).optional(),
  /** Time zone of dates without one, e.g. `UTC`, `Europe/London`. */
  timezone: z
    .string()
    .regex(/^[A-Za-z_+\-/0-9]+$/, { message: 'expected a time zone id' })
    .optional(),
  /** @default ['_dateparsefailure'] */
  tagOnFailure: z.array(z.string().min(1)).optional(),
  /** Common option: fields removed when the date parsed. */
  removeField: z.array(z.string().min(1)).optional(),
});
export type DateFilterProps = z.input<typeof dateFilterSchema>;

/** The `date` filter; every format is checked against Joda-Time's pattern letters. */
export function dateFilter(props: DateFilterProps): Plugin {
  return optionsPlugin('date', dateFilterSchema, props, (o) =>
    o.match.slice(1).flatMap((format, i) => {
      const problem = checkDateFormat(format);
      return problem ? [{ path: ['match', i + 1], message: problem }] : [];
    }),
  );
}
