import { type Diagnostic, absolutePath, bcryptHash, toYaml, validateWith } from '@chatops/core';
import { z } from 'zod';

const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;

/** `tls_server_config` of the Prometheus exporter toolkit's web config. */
export const webTlsServerConfigSchema = z.strictObject({
  cert_file: absolutePath,
  key_file: absolutePath,
  /** @default 'NoClientCert' */
  client_auth_type: z
    .enum(['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'])
    .optional(),
  client_ca_file: absolutePath.optional(),
  /** @default 'TLS12' */
  min_version: z.enum(TLS_VERSIONS).optional(),
  max_version: z.enum(TLS_VERSIONS).optional(),
  cipher_suites: z.array(z.string().regex(/^TLS_[A-Z0-9_]+$/)).optional(),
  prefer_server_cipher_suites: z.boolean().optional(),
  curve_preferences: z.array(z.enum(['CurveP256', 'CurveP384', 'CurveP521', 'X25519'])).optional(),
});

/**
 * The `tls_server_config` of every exporter-toolkit server in the stack: only a client certificate our CA signed
 * (clientAuth usage) gets through to basic auth (mutual TLS). Which of our clients may connect cannot be narrowed
 * here: Debian 12's Prometheus 2.42, Alertmanager 0.25, node-exporter 1.5 and blackbox exporter 0.23 refuse to start
 * with `client_allowed_sans` (exporter-toolkit 0.9+), so the schema does not accept it.
 */
export function mutualTlsServerConfig(tls: { readonly certFile: string; readonly keyFile: string; readonly caFile: string }) {
  return {
    cert_file: tls.certFile,
    key_file: tls.keyFile,
    min_version: 'TLS12',
    client_auth_type: 'RequireAndVerifyClientCert',
    client_ca_file: tls.caFile,
  } satisfies z.input<typeof webTlsServerConfigSchema>;
}

/**
 * The exporter-toolkit web config (`--web.config.file`) that Prometheus, Alertmanager, node_exporter and
 * systemd_exporter all read: TLS for the HTTP server and bcrypt basic-auth users. One model for all of them.
 */
export const webConfigSchema = z.strictObject({
  tls_server_config: webTlsServerConfigSchema.optional(),
  http_server_config: z
    .strictObject({
      /** @default true */
      http2: z.boolean().optional(),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  /** User name -> bcrypt hash (the only format the server accepts). */
  basic_auth_users: z
    .record(z.string().regex(/^[^:\s]+$/, { message: 'expected a user name without ":" or spaces' }), bcryptHash)
    .optional(),
});
export type WebConfig = z.infer<typeof webConfigSchema>;
export type WebConfigInput = z.input<typeof webConfigSchema>;

/** Checks what the server would refuse at start-up but a schema alone cannot see. */
export function checkWebConfig(config: WebConfig): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const tls = config.tls_server_config;
  const verifying = tls?.client_auth_type === 'VerifyClientCertIfGiven' || tls?.client_auth_type === 'RequireAndVerifyClientCert';
  if (tls && verifying && !tls.client_ca_file) {
    problems.push({
      path: ['tls_server_config', 'client_ca_file'],
      message: `client_auth_type ${tls.client_auth_type} needs client_ca_file`,
    });
  }
  if (config.basic_auth_users && Object.keys(config.basic_auth_users).length > 0 && !tls) {
    problems.push({ path: ['basic_auth_users'], message: 'basic auth without tls_server_config would send passwords in clear' });
  }
  return problems;
}

export function validateWebConfig(input: unknown): WebConfig {
  return validateWith(webConfigSchema, input, {}, checkWebConfig);
}

/** Prints a validated `web.yml`. */
export function printWebConfig(input: WebConfigInput, options: { header?: string } = {}): string {
  return toYaml(validateWebConfig(input), options.header ? { header: options.header } : {});
}
