import { z } from 'zod';
import { goDuration, nodeGlob } from './_common.js';

/** `logging.*`: Filebeat's own log. */
export const loggingSchema = z.strictObject({
  level: z.enum(['debug', 'info', 'warning', 'error', 'critical']).optional().describe('@default "info"'),
  selectors: z.array(z.string().min(1)).optional(),
  to_stderr: z.boolean().optional(),
  to_syslog: z.boolean().optional(),
  to_files: z.boolean().optional(),
  json: z.boolean().optional(),
  files: z
    .strictObject({
      path: nodeGlob.optional(),
      name: z.string().min(1).optional(),
      rotateeverybytes: z.number().int().min(1).optional(),
      keepfiles: z.number().int().min(2).max(1024).optional(),
      permissions: z
        .string()
        .regex(/^0[0-7]{3}$/, { message: "expected an octal mode string like '0600'" })
        .optional(),
      interval: goDuration.optional(),
      rotateonstartup: z.boolean().optional(),
      redirect_stderr: z.boolean().optional(),
    })
    .optional(),
  metrics: z.strictObject({ enabled: z.boolean().optional(), period: goDuration.optional() }).optional(),
});
export type Logging = z.infer<typeof loggingSchema>;
