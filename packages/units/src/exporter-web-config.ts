import { absolutePath, bcryptHash, parseWith, toYaml } from '@chatops/core';
import { z } from 'zod';

/**
 * The Prometheus exporter-toolkit web configuration (`--web.config.file`), as read by node_exporter and
 * systemd_exporter: TLS server settings and bcrypt basic-auth users. Checked by `promtool check web-config`.
 */
export const exporterWebConfigSchema = z.strictObject({
  tls_server_config: z
    .strictObject({
      cert_file: absolutePath,
      key_file: absolutePath,
      client_auth_type: z.enum(['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert']).optional(),
      client_ca_file: absolutePath.optional(),
      min_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
      max_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
    })
    .optional(),
  http_server_config: z.strictObject({ http2: z.boolean().optional() }).optional(),
  basic_auth_users: z.record(z.string().regex(/^[^:\s]+$/, { message: 'a basic-auth user name may not contain ":" or spaces' }), bcryptHash).optional(),
});
export type ExporterWebConfig = z.infer<typeof exporterWebConfigSchema>;

/** Prints the web config as YAML after validating it. */
export function printExporterWebConfig(config: ExporterWebConfig): string {
  return toYaml(parseWith(exporterWebConfigSchema, config), { header: 'Rendered by @chatops/units: exporter-toolkit web config.' });
}
