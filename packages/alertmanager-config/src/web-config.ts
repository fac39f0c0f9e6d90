import { ConfigError, type Diagnostic, absolutePath, bcryptHash, parseWith, toYaml } from '@chatops/core';
import { z } from 'zod';

const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;

/** `tls_server_config` of the Prometheus exporter toolkit's web config (Alertmanager's `--web.config.file`). */
export const webTlsServerConfigSchema = z.strictObject({
  cert_file: absolutePath,
  key_file: absolutePath,
  client_auth_type: z
    .enum(['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'])
    .optional(),
  client_ca_file: absolutePath.optional(),
  min_version: z.enum(TLS_VERSIONS).optional(),
  max_version: z.enum(TLS_VERSIONS).optional(),
  cipher_suites: z.array(z.string().regex(/^TLS_[A-Z0-9_]+$/)).optional(),
  prefer_server_cipher_suites: z.boolean().optional(),
  curve_preferences: z.array(z.enum(['CurveP256', 'CurveP384', 'CurveP521', 'X25519'])).optional(),
});

/** `web.yml`: TLS and bcrypt basic auth for Alertmanager's (and Prometheus') HTTP endpoints. */
export const webConfigSchema = z.strictObject({
  tls_server_config: webTlsServerConfigSchema.optional(),
  http_server_config: z
    .strictObject({ http2: z.boolean().optional(), headers: z.record(z.string(), z.string()).optional() })
    .optional(),
  basic_auth_users: z.record(z.string().regex(/^[^:\s]+$/, { message: 'expected a user name without colons or spaces' }), bcryptHash).optional(),
});

export type WebConfig = z.output<typeof webConfigSchema>;
export type WebConfigInput = z.input<typeof webConfigSchema>;

/** Validates a web config (strict schema, bcrypt hashes, client CA required when client certificates are verified) and prints it. */
export function printWebConfig(input: WebConfigInput, options: { header?: string } = {}): string {
  const config = parseWith(webConfigSchema, input);
  const problems: Diagnostic[] = [];
  const tls = config.tls_server_config;
  if (tls?.client_auth_type && /Verify/.test(tls.client_auth_type) && !tls.client_ca_file) {
    problems.push({ path: ['tls_server_config', 'client_ca_file'], message: `client_auth_type ${tls.client_auth_type} needs client_ca_file` });
  }
  if (problems.length > 0) throw new ConfigError(problems, config);
  return toYaml(config, options);
}
