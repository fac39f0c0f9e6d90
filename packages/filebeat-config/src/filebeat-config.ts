import { z } from 'zod';
import { fields, goDuration, nodeGlob } from './_common.js';
import { duplicateIds, inputSchema } from './inputs.js';
import { loggingSchema } from './logging.js';
import { outputSchema } from './outputs.js';
import { processorsSchema } from './processors.js';

/** `filebeat.config.inputs`: external input files, each a plain YAML list of inputs. */
export const externalInputsSchema = z.strictObject({
  enabled: z.boolean().optional().describe('@default true'),
  path: nodeGlob.describe('Glob of the input files, e.g. /etc/filebeat/inputs.d/*.yml.'),
  reload: z
    .strictObject({
      enabled: z.boolean().optional().describe('@default false'),
      period: goDuration.optional().describe('@default "10s"'),
    })
    .optional(),
});

/**
 * The whole `filebeat.yml`, nested (Filebeat expands dotted keys such as `output.logstash`, so nested and dotted
 * spellings are the same document; this model is the nested one). Unknown keys are rejected: Filebeat ignores
 * them silently.
 */
export const filebeatConfigSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe('Shipper name in events. @default the host name'),
    tags: z.array(z.string().min(1)).optional(),
    fields: fields.optional(),
    fields_under_root: z.boolean().optional(),
    filebeat: z
      .strictObject({
        inputs: z.array(inputSchema).optional(),
        config: z.strictObject({ inputs: externalInputsSchema.optional() }).optional(),
        registry: z
          .strictObject({
            path: z.string().min(1).optional(),
            file_permissions: z
              .string()
              .regex(/^0[0-7]{3}$/, { message: "expected an octal mode string like '0600'" })
              .optional(),
            flush: goDuration.optional(),
          })
          .optional(),
        shutdown_timeout: goDuration.optional(),
      })
      .superRefine((fb, ctx) => {
        if (fb.inputs) duplicateIds(fb.inputs, ctx, ['inputs']);
        const external = fb.config?.inputs;
        if ((fb.inputs ?? []).length === 0 && (!external || external.enabled === false)) {
          ctx.addIssue({
            code: 'custom',
            message: 'no inputs: set filebeat.inputs or enable filebeat.config.inputs (Filebeat refuses to start)',
          });
        }
      }),
    output: outputSchema,
    processors: processorsSchema.optional(),
    logging: loggingSchema.optional(),
    path: z
      .strictObject({ home: nodeGlob.optional(), config: nodeGlob.optional(), data: nodeGlob.optional(), logs: nodeGlob.optional() })
      .optional(),
    queue: z
      .strictObject({
        mem: z
          .strictObject({
            events: z.number().int().min(1).optional(),
            flush: z.strictObject({ min_events: z.number().int().min(0).optional(), timeout: goDuration.optional() }).optional(),
          })
          .optional(),
      })
      .optional(),
    http: z
      .strictObject({
        enabled: z.boolean().optional(),
        host: z.string().min(1).optional(),
        port: z.number().int().min(1).max(65535).optional(),
      })
      .optional(),
  })
  .describe('filebeat.yml (Filebeat 8.x), nested form.');

export type FilebeatConfig = z.infer<typeof filebeatConfigSchema>;
export type ExternalInputs = z.infer<typeof externalInputsSchema>;
