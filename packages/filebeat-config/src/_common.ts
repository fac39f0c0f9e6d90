import { z } from 'zod';

/** Go `time.Duration` string as Filebeat's config accepts it: `10s`, `1m30s`, `500ms`, `72h`. */
export const goDuration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, { message: 'expected a Go duration like 10s, 5m, 1h30m or 500ms' })
  .describe('A Go duration: 10s, 5m, 1h30m, 500ms.');

/** A duration that may also be `0` or `-1` (disabled / never), as `clean_inactive` accepts. */
export const goDurationOrOff = z.union([goDuration, z.literal(0), z.literal(-1)]);

const fieldKey = z.string().regex(/^[^.]+$/, {
  message: 'Filebeat expands dotted keys: write nested objects instead of "a.b"',
});

/**
 * Custom fields added to every event (`fields`, `add_fields.fields`): nested objects of scalars and lists. Keys
 * must not contain dots, so what is written is exactly the structure Filebeat builds.
 */
export type FieldValue = string | number | boolean | readonly FieldValue[] | { readonly [key: string]: FieldValue };
export const fieldValue: z.ZodType<FieldValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.array(fieldValue), z.record(fieldKey, fieldValue)]),
);
export const fields = z.record(fieldKey, fieldValue);

/** Absolute path or glob on the node. */
export const nodeGlob = z.string().regex(/^\//, { message: 'expected an absolute path or glob' });

/** Ensures at most one of a set of keys is present, e.g. one processor name per processors entry. */
export function exactlyOneKey(what: string, keys: readonly string[]) {
  return (value: Record<string, unknown>, ctx: z.core.$RefinementCtx) => {
    const present = keys.filter((k) => value[k] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          present.length === 0
            ? `expected exactly one ${what} (one of ${keys.join(', ')})`
            : `expected exactly one ${what} per entry, found ${present.join(' and ')}`,
      });
    }
  };
}
