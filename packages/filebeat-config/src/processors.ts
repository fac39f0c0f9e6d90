import { z } from 'zod';
import { exactlyOneKey, fields, goDuration } from './_common.js';
import { re2Pattern } from './re2-pattern.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const fieldName = z.string().min(1);

/** A processor condition (`when:`): exactly one of equals, contains, regexp, range, network, has_fields, or, and, not. */
export interface Condition {
  readonly equals?: Readonly<Record<string, string | number | boolean>>;
  readonly contains?: Readonly<Record<string, string>>;
  readonly regexp?: Readonly<Record<string, string>>;
  readonly range?: Readonly<Record<string, Readonly<{ gt?: number; gte?: number; lt?: number; lte?: number }>>>;
  readonly network?: Readonly<Record<string, string | readonly string[]>>;
  readonly has_fields?: readonly string[];
  readonly or?: readonly Condition[];
  readonly and?: readonly Condition[];
  readonly not?: Condition;
}

const CONDITION_KEYS = ['equals', 'contains', 'regexp', 'range', 'network', 'has_fields', 'or', 'and', 'not'] as const;

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .strictObject({
      equals: z.record(fieldName, scalar).optional(),
      contains: z.record(fieldName, z.string()).optional(),
      regexp: z.record(fieldName, re2Pattern).optional(),
      range: z
        .record(
          fieldName,
          z.strictObject({ gt: z.number().optional(), gte: z.number().optional(), lt: z.number().optional(), lte: z.number().optional() }),
        )
        .optional(),
      network: z.record(fieldName, z.union([z.string(), z.array(z.string())])).optional(),
      has_fields: z.array(fieldName).min(1).optional(),
      or: z.array(conditionSchema).min(1).optional(),
      and: z.array(conditionSchema).min(1).optional(),
      not: conditionSchema.optional(),
    })
    .superRefine(exactlyOneKey('condition', CONDITION_KEYS)),
);

const when = conditionSchema.optional().describe('Apply the processor only to events matching this condition.');

export const addFieldsSchema = z.strictObject({
  /** @default 'fields' */
  target: z.string().optional().describe('Where the fields go; \'\' puts them at the event root. @default "fields"'),
  fields,
  when,
});

export const addHostMetadataSchema = z.strictObject({
  netinfo: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  cache: z.strictObject({ ttl: goDuration.optional() }).optional(),
  replace_fields: z.boolean().optional(),
  when,
});

export const addDockerMetadataSchema = z.strictObject({
  host: z
    .string()
    .regex(/^(unix|tcp|npipe):\/\//, { message: 'expected unix://, tcp:// or npipe:// URL' })
    .optional(),
  match_fields: z.array(fieldName).optional(),
  match_source: z.boolean().optional(),
  match_source_index: z.number().int().min(0).optional().describe('Index of the container id in the log path split by "/". @default 4'),
  match_short_id: z.boolean().optional(),
  match_pids: z.array(fieldName).optional(),
  cleanup_timeout: goDuration.optional(),
  labels: z.strictObject({ dedot: z.boolean().optional() }).optional(),
  when,
});

export const addTagsSchema = z.strictObject({ tags: z.array(z.string().min(1)).min(1), target: z.string().optional(), when });

export const dropFieldsSchema = z.strictObject({ fields: z.array(fieldName).min(1), ignore_missing: z.boolean().optional(), when });

export const includeFieldsSchema = z.strictObject({ fields: z.array(fieldName).min(1), when });

export const dropEventSchema = z.strictObject({ when });

export const renameSchema = z.strictObject({
  fields: z.array(z.strictObject({ from: fieldName, to: fieldName })).min(1),
  ignore_missing: z.boolean().optional(),
  fail_on_error: z.boolean().optional(),
  when,
});

export const decodeJsonFieldsSchema = z.strictObject({
  fields: z.array(fieldName).min(1),
  process_array: z.boolean().optional(),
  max_depth: z.number().int().min(1).optional(),
  target: z.string().optional(),
  overwrite_keys: z.boolean().optional(),
  add_error_key: z.boolean().optional(),
  document_id: z.string().optional(),
  when,
});

const PROCESSOR_KEYS = [
  'add_fields',
  'add_host_metadata',
  'add_docker_metadata',
  'add_tags',
  'drop_fields',
  'include_fields',
  'drop_event',
  'rename',
  'decode_json_fields',
] as const;

/** One entry of a `processors:` list: exactly one processor. */
export const processorSchema = z
  .strictObject({
    add_fields: addFieldsSchema.optional(),
    add_host_metadata: addHostMetadataSchema.optional(),
    add_docker_metadata: addDockerMetadataSchema.optional(),
    add_tags: addTagsSchema.optional(),
    drop_fields: dropFieldsSchema.optional(),
    include_fields: includeFieldsSchema.optional(),
    drop_event: dropEventSchema.optional(),
    rename: renameSchema.optional(),
    decode_json_fields: decodeJsonFieldsSchema.optional(),
  })
  .superRefine(exactlyOneKey('processor', PROCESSOR_KEYS))
  .describe('One processor: a single key naming it.');

export type Processor = z.infer<typeof processorSchema>;
export const processorsSchema = z.array(processorSchema);
