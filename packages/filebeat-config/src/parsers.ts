import { z } from 'zod';
import { exactlyOneKey, goDuration } from './_common.js';
import { re2Pattern } from './re2-pattern.js';

/** `multiline` parser: `pattern` (the default type), `count` or `while_pattern`. */
export const multilineSchema = z
  .strictObject({
    type: z.enum(['pattern', 'count', 'while_pattern']).optional().describe('@default "pattern"'),
    pattern: re2Pattern.optional(),
    negate: z.boolean().optional().describe('@default false'),
    match: z.enum(['after', 'before']).optional(),
    flush_pattern: re2Pattern.optional(),
    count_lines: z.number().int().min(1).optional(),
    max_lines: z.number().int().min(1).optional().describe('@default 500'),
    timeout: goDuration.optional().describe('@default "5s"'),
    skip_newline: z.boolean().optional(),
  })
  .superRefine((m, ctx) => {
    const type = m.type ?? 'pattern';
    const need = (key: keyof typeof m, why: string) => {
      if (m[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required when ${why}` });
    };
    const forbid = (key: keyof typeof m, why: string) => {
      if (m[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `not allowed when ${why}` });
    };
    if (type === 'pattern') {
      need('pattern', 'type is pattern');
      need('match', 'type is pattern');
      forbid('count_lines', 'type is pattern');
    } else if (type === 'while_pattern') {
      need('pattern', 'type is while_pattern');
      forbid('match', 'type is while_pattern');
      forbid('count_lines', 'type is while_pattern');
      forbid('flush_pattern', 'type is while_pattern');
    } else {
      need('count_lines', 'type is count');
      for (const k of ['pattern', 'negate', 'match', 'flush_pattern'] as const) forbid(k, 'type is count');
    }
  });

/** `container` parser for Docker json-file and CRI logs. */
export const containerParserSchema = z.strictObject({
  stream: z.enum(['all', 'stdout', 'stderr']).optional().describe('@default "all"'),
  format: z.enum(['auto', 'docker', 'cri']).optional().describe('@default "auto"'),
});

/** `ndjson` parser: one JSON object per line. */
export const ndjsonParserSchema = z.strictObject({
  target: z.string().optional().describe("Where the decoded object goes; '' is the event root."),
  overwrite_keys: z.boolean().optional(),
  expand_keys: z.boolean().optional(),
  add_error_key: z.boolean().optional(),
  message_key: z.string().optional(),
  document_id: z.string().optional(),
  ignore_decoding_error: z.boolean().optional(),
});

/** `syslog` parser. */
export const syslogParserSchema = z.strictObject({
  format: z.enum(['auto', 'rfc3164', 'rfc5424']).optional(),
  timezone: z.string().optional(),
  log_errors: z.boolean().optional(),
  add_error_key: z.boolean().optional(),
});

const PARSER_KEYS = ['container', 'multiline', 'ndjson', 'syslog'] as const;

/** One entry of `parsers:`, applied in list order. */
export const parserSchema = z
  .strictObject({
    container: containerParserSchema.optional(),
    multiline: multilineSchema.optional(),
    ndjson: ndjsonParserSchema.optional(),
    syslog: syslogParserSchema.optional(),
  })
  .superRefine(exactlyOneKey('parser', PARSER_KEYS));

export type Parser = z.infer<typeof parserSchema>;
export type Multiline = z.infer<typeof multilineSchema>;
