import { z } from 'zod';
import { fields, goDuration, goDurationOrOff, nodeGlob } from './_common.js';
import { parserSchema } from './parsers.js';
import { processorsSchema } from './processors.js';
import { re2Pattern } from './re2-pattern.js';

const inputId = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, { message: 'expected an input id of letters, digits, _, . and -' })
  .describe('Unique id: Filebeat keys the registry state of the input by it.');

/** Options every input type shares. */
const commonInputOptions = {
  enabled: z.boolean().optional().describe('@default true'),
  tags: z.array(z.string().min(1)).optional(),
  fields: fields.optional().describe('Custom fields added to every event (under `fields` unless fields_under_root).'),
  fields_under_root: z.boolean().optional().describe('@default false'),
  processors: processorsSchema.optional(),
  pipeline: z.string().optional(),
  keep_null: z.boolean().optional(),
  index: z.string().optional(),
  publisher_pipeline: z.strictObject({ disable_host: z.boolean().optional() }).optional(),
};

/** `filestream` input (Filebeat 8.x): reads lines from files matched by glob `paths`. */
export const filestreamInputSchema = z.strictObject({
  type: z.literal('filestream'),
  id: inputId,
  paths: z.array(nodeGlob).min(1),
  encoding: z.string().optional(),
  include_lines: z.array(re2Pattern).optional(),
  exclude_lines: z.array(re2Pattern).optional(),
  buffer_size: z.number().int().min(1).optional(),
  message_max_bytes: z.number().int().min(1).optional(),
  parsers: z.array(parserSchema).optional(),
  prospector: z
    .strictObject({
      scanner: z
        .strictObject({
          check_interval: goDuration.optional().describe('@default "10s"'),
          exclude_files: z.array(re2Pattern).optional(),
          include_files: z.array(re2Pattern).optional(),
          symlinks: z.boolean().optional(),
          recursive_glob: z.boolean().optional(),
          resend_on_touch: z.boolean().optional(),
          fingerprint: z
            .strictObject({
              enabled: z.boolean().optional(),
              offset: z.number().int().min(0).optional(),
              length: z.number().int().min(64).optional(),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
  file_identity: z
    .strictObject({
      native: z.strictObject({}).optional(),
      path: z.strictObject({}).optional(),
      inode_marker: z.strictObject({ path: nodeGlob }).optional(),
      fingerprint: z.strictObject({}).optional(),
    })
    .optional(),
  ignore_older: goDurationOrOff.optional(),
  ignore_inactive: z.enum(['since_first_start', 'since_last_start']).optional(),
  close: z
    .strictObject({
      on_state_change: z
        .strictObject({
          check_interval: goDuration.optional(),
          inactive: goDuration.optional().describe('@default "5m"'),
          renamed: z.boolean().optional(),
          removed: z.boolean().optional(),
        })
        .optional(),
      reader: z.strictObject({ on_eof: z.boolean().optional(), after_interval: goDuration.optional() }).optional(),
    })
    .optional(),
  clean_inactive: goDurationOrOff.optional(),
  clean_removed: z.boolean().optional().describe('@default true'),
  backoff: z.strictObject({ init: goDuration.optional(), max: goDuration.optional() }).optional(),
  harvester_limit: z.number().int().min(0).optional(),
  take_over: z.boolean().optional(),
  ...commonInputOptions,
});

const journalMatch = z
  .string()
  .regex(/^[A-Z0-9_]+=.*$/, { message: 'expected a journal match FIELD=value, e.g. _SYSTEMD_UNIT=prometheus.service' });

/** `journald` input: reads the systemd journal (optionally filtered by matches). */
export const journaldInputSchema = z.strictObject({
  type: z.literal('journald'),
  id: inputId,
  paths: z.array(nodeGlob).optional().describe('Journal files or directories. @default the local system journal'),
  backoff: goDuration.optional(),
  max_backoff: goDuration.optional(),
  seek: z.enum(['head', 'tail', 'cursor']).optional().describe('@default "cursor"'),
  cursor_seek_fallback: z.enum(['head', 'tail']).optional(),
  since: z.string().optional(),
  include_matches: z
    .strictObject({
      match: z.array(journalMatch).min(1).optional(),
      or: z.array(z.strictObject({ match: z.array(journalMatch).min(1) })).optional(),
      and: z.array(z.strictObject({ match: z.array(journalMatch).min(1) })).optional(),
    })
    .optional(),
  units: z.array(z.string().min(1)).optional(),
  syslog_identifiers: z.array(z.string().min(1)).optional(),
  transports: z.array(z.string().min(1)).optional(),
  save_remote_hostname: z.boolean().optional(),
  parsers: z.array(parserSchema).optional(),
  ...commonInputOptions,
});

/** Any input we model, discriminated by `type`. */
export const inputSchema = z.discriminatedUnion('type', [filestreamInputSchema, journaldInputSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? 'unsupported input type: expected type filestream or journald' : undefined),
});

export type FilestreamInput = z.infer<typeof filestreamInputSchema>;
export type JournaldInput = z.infer<typeof journaldInputSchema>;
export type Input = z.infer<typeof inputSchema>;

/** Reports every input id used more than once, at the path of its second use. */
export function duplicateIds(inputs: readonly { id: string }[], ctx: z.core.$RefinementCtx, pathPrefix: (string | number)[] = []): void {
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    const first = seen.get(input.id);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: [...pathPrefix, i, 'id'], message: `duplicate input id "${input.id}" (also input ${first})` });
    } else seen.set(input.id, i);
  });
}

/** The content of an external input file (`filebeat.config.inputs.path`): a plain YAML list of inputs. */
export const inputsFileSchema = z
  .array(inputSchema, {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'an input file must be a plain YAML list of inputs (no filebeat.inputs key)' : undefined,
  })
  .superRefine((inputs, ctx) => duplicateIds(inputs, ctx))
  .describe('A Filebeat external input file: a plain list of inputs.');
export type InputsFile = z.infer<typeof inputsFileSchema>;
