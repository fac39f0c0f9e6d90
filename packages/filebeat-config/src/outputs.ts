import { z } from 'zod';
import { goDuration, nodeGlob } from './_common.js';

/** Client TLS settings shared by Filebeat's outputs (`ssl.*`). */
export const sslSchema = z
  .strictObject({
    enabled: z.boolean().optional().describe('@default true when an ssl section is present'),
    verification_mode: z.enum(['full', 'strict', 'certificate', 'none']).optional().describe('@default "full"'),
    certificate_authorities: z.array(nodeGlob).min(1).optional().describe('PEM files of the CAs the server certificate must chain to.'),
    certificate: nodeGlob.optional().describe('Client certificate (PEM), for mutual TLS.'),
    key: nodeGlob.optional().describe('Client key (PEM), for mutual TLS.'),
    supported_protocols: z
      .array(z.enum(['TLSv1.1', 'TLSv1.2', 'TLSv1.3']))
      .min(1)
      .optional(),
    cipher_suites: z.array(z.string().min(1)).optional(),
    curve_types: z.array(z.enum(['P-256', 'P-384', 'P-521', 'X25519'])).optional(),
    ca_trusted_fingerprint: z
      .string()
      .regex(/^[A-Fa-f0-9]{64}$/, { message: 'expected a hex SHA-256 fingerprint' })
      .optional(),
    renegotiation: z.enum(['never', 'once', 'freely']).optional(),
  })
  .superRefine((ssl, ctx) => {
    if ((ssl.certificate === undefined) !== (ssl.key === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [ssl.certificate === undefined ? 'certificate' : 'key'],
        message: 'certificate and key go together',
      });
    }
  });
export type Ssl = z.infer<typeof sslSchema>;

/** `host:port` of a Logstash beats input (host name, IPv4 or [IPv6]). */
const logstashHost = z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, {
  message: 'expected host:port (Filebeat would otherwise assume port 5044)',
});

/** `output.logstash`: ships events to Logstash beats inputs. */
export const logstashOutputSchema = z.strictObject({
  enabled: z.boolean().optional().describe('@default true'),
  hosts: z.array(logstashHost).min(1),
  loadbalance: z.boolean().optional().describe('@default false'),
  worker: z.number().int().min(1).optional(),
  compression_level: z.number().int().min(0).max(9).optional().describe('@default 3'),
  escape_html: z.boolean().optional(),
  ttl: goDuration.optional(),
  pipelining: z.number().int().min(0).optional(),
  proxy_url: z
    .string()
    .regex(/^socks5h?:\/\//, { message: 'expected a socks5:// URL' })
    .optional(),
  proxy_use_local_resolver: z.boolean().optional(),
  index: z.string().optional(),
  timeout: goDuration.optional(),
  max_retries: z.number().int().min(-1).optional(),
  bulk_max_size: z.number().int().min(1).optional(),
  slow_start: z.boolean().optional(),
  backoff: z.strictObject({ init: goDuration.optional(), max: goDuration.optional() }).optional(),
  ssl: sslSchema.optional(),
});
export type LogstashOutput = z.infer<typeof logstashOutputSchema>;

/** `output.file`: writes events as JSON lines (debugging). */
export const fileOutputSchema = z.strictObject({
  enabled: z.boolean().optional(),
  path: nodeGlob,
  filename: z.string().min(1).optional(),
  rotate_every_kb: z.number().int().min(1).optional(),
  number_of_files: z.number().int().min(2).max(1024).optional(),
  permissions: z
    .string()
    .regex(/^0[0-7]{3}$/, { message: "expected an octal mode string like '0600'" })
    .optional(),
  rotate_on_startup: z.boolean().optional(),
});

/** `output.console`: writes events to stdout (debugging). */
export const consoleOutputSchema = z.strictObject({
  enabled: z.boolean().optional(),
  pretty: z.boolean().optional(),
  bulk_max_size: z.number().int().min(0).optional(),
});

export const OUTPUT_TYPES = ['logstash', 'file', 'console'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

/** `output.*`: Filebeat runs exactly one enabled output. */
export const outputSchema = z
  .strictObject({
    logstash: logstashOutputSchema.optional(),
    file: fileOutputSchema.optional(),
    console: consoleOutputSchema.optional(),
  })
  .superRefine((output, ctx) => {
    const enabled = OUTPUT_TYPES.filter((t) => output[t] !== undefined && output[t].enabled !== false);
    if (enabled.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          enabled.length === 0
            ? 'exactly one output must be enabled, found none'
            : `exactly one output must be enabled, found ${enabled.length}: ${enabled.map((t) => `output.${t}`).join(', ')}`,
      });
    }
  });
export type Output = z.infer<typeof outputSchema>;
