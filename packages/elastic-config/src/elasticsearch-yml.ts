import { absolutePath, ipAddress, validateWith, port, toYaml } from '@chatops/core';
import { z } from 'zod';

const sslFiles = (prefix: string) => ({
  [`${prefix}.enabled`]: z.boolean().optional(),
  [`${prefix}.key`]: absolutePath.optional(),
  [`${prefix}.certificate`]: absolutePath.optional(),
  [`${prefix}.certificate_authorities`]: z.array(absolutePath).min(1).optional(),
  [`${prefix}.verification_mode`]: z.enum(['full', 'certificate', 'none']).optional(),
  [`${prefix}.client_authentication`]: z.enum(['none', 'optional', 'required']).optional(),
  [`${prefix}.supported_protocols`]: z
    .array(z.enum(['TLSv1.3', 'TLSv1.2']))
    .min(1)
    .optional(),
});

/**
 * `elasticsearch.yml` as flat dotted keys (the form Elasticsearch documents each setting under), limited to the
 * settings we emit and checked against the reference: unknown settings are rejected, TLS needs its key and
 * certificate, and security needs TLS on both HTTP and transport.
 */
export const elasticsearchYmlSchema = z
  .strictObject({
    'cluster.name': z.string().regex(/^[\w-]+$/),
    'node.name': z.string().min(1),
    'path.data': absolutePath,
    'path.logs': absolutePath,
    'network.host': z.union([ipAddress, z.enum(['_local_', '_site_', '_global_'])]),
    'http.port': port,
    'transport.port': port.optional(),
    'discovery.type': z.literal('single-node').optional(),
    'action.destructive_requires_name': z.boolean().optional(),
    'xpack.security.enabled': z.boolean(),
    'xpack.security.enrollment.enabled': z.boolean().optional(),
    'xpack.security.authc.api_key.enabled': z.boolean().optional(),
    ...sslFiles('xpack.security.http.ssl'),
    ...sslFiles('xpack.security.transport.ssl'),
  })
  .superRefine((c, ctx) => {
    for (const layer of ['http', 'transport'] as const) {
      const p = `xpack.security.${layer}.ssl`;
      const rec = c as Record<string, unknown>;
      if (rec[`${p}.enabled`] === true) {
        for (const k of ['key', 'certificate'])
          if (rec[`${p}.${k}`] === undefined)
            ctx.addIssue({ code: 'custom', path: [`${p}.${k}`], message: `required when ${p}.enabled is true` });
        const clientAuth = rec[`${p}.client_authentication`];
        if ((clientAuth === 'required' || clientAuth === 'optional') && rec[`${p}.certificate_authorities`] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [`${p}.certificate_authorities`],
            message: `required when ${p}.client_authentication is ${clientAuth} (the CAs client certificates must chain to)`,
          });
      } else if (c['xpack.security.enabled']) {
        ctx.addIssue({
          code: 'custom',
          path: [`${p}.enabled`],
          message: `security is on: ${layer} TLS must be enabled (no plaintext hop)`,
        });
      }
    }
  });
export type ElasticsearchYml = z.infer<typeof elasticsearchYmlSchema>;
export type ElasticsearchYmlInput = z.input<typeof elasticsearchYmlSchema>;

/** Prints elasticsearch.yml (flat keys in insertion order) after validating it. */
export function printElasticsearchYml(config: ElasticsearchYmlInput, options: { header?: string } = {}): string {
  return toYaml(validateWith(elasticsearchYmlSchema, config), {
    header: options.header ?? 'Rendered by @chatops/elastic-config: do not edit.',
  });
}
