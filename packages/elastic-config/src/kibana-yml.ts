import { absolutePath, hostname, ipAddress, validateWith, port, toYaml } from '@chatops/core';
import { z } from 'zod';

const httpsUrl = z
  .url({ message: 'expected an https:// URL' })
  .refine((u) => u.startsWith('https://'), { message: 'expected an https:// URL (no plaintext hop)' });

/**
 * `kibana.yml` (flat dotted keys) limited to what we emit. There is deliberately no `elasticsearch.password`:
 * the password lives in the Kibana keystore, so a literal password in this file is an unknown key.
 */
export const kibanaYmlSchema = z
  .strictObject({
    'server.host': z.union([ipAddress, hostname]),
    'server.port': port,
    'server.name': z.string().min(1).optional(),
    'server.publicBaseUrl': httpsUrl.refine((u) => !u.endsWith('/'), { message: 'publicBaseUrl must not end with a slash' }),
    'server.ssl.enabled': z.boolean(),
    'server.ssl.certificate': absolutePath.optional(),
    'server.ssl.key': absolutePath.optional(),
    /** CAs that sign the client certificates Kibana's HTTPS server accepts. */
    'server.ssl.certificateAuthorities': z.array(absolutePath).min(1).optional(),
    /** @default 'none' */
    'server.ssl.clientAuthentication': z.enum(['none', 'optional', 'required']).optional(),
    'server.ssl.supportedProtocols': z
      .array(z.enum(['TLSv1.2', 'TLSv1.3']))
      .min(1)
      .optional(),
    'elasticsearch.hosts': z.array(httpsUrl).min(1),
    'elasticsearch.username': z.string().min(1),
    'elasticsearch.ssl.certificateAuthorities': z.array(absolutePath).min(1),
    /** The client certificate (and its key) Kibana presents to Elasticsearch, which requires one (mutual TLS). */
    'elasticsearch.ssl.certificate': absolutePath.optional(),
    'elasticsearch.ssl.key': absolutePath.optional(),
    /**
     * Present that certificate on the requests Kibana makes for logged-in users too. Kibana's default (false) leaves
     * it off them (it only matters to a PKI realm, which maps certificates to users; we have none, so users still
     * authenticate with their own credentials): with Elasticsearch requiring a client certificate, every user's query
     * would then fail the handshake.
     */
    'elasticsearch.ssl.alwaysPresentCertificate': z.boolean().optional(),
    'elasticsearch.ssl.verificationMode': z.enum(['full', 'certificate', 'none']),
    'path.data': absolutePath.optional(),
    'pid.file': absolutePath.optional(),
  })
  .superRefine((c, ctx) => {
    if (c['server.ssl.enabled']) {
      for (const k of ['server.ssl.certificate', 'server.ssl.key'] as const)
        if (c[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'required when server.ssl.enabled is true' });
    }
    const clientAuth = c['server.ssl.clientAuthentication'];
    if (clientAuth === 'required' || clientAuth === 'optional') {
      if (!c['server.ssl.enabled'])
        ctx.addIssue({
          code: 'custom',
          path: ['server.ssl.clientAuthentication'],
          message: `${clientAuth} needs server.ssl.enabled: true`,
        });
      if (c['server.ssl.certificateAuthorities'] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['server.ssl.certificateAuthorities'],
          message: `required when server.ssl.clientAuthentication is ${clientAuth} (the CAs client certificates must chain to)`,
        });
    }
    if ((c['elasticsearch.ssl.certificate'] === undefined) !== (c['elasticsearch.ssl.key'] === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [c['elasticsearch.ssl.certificate'] === undefined ? 'elasticsearch.ssl.certificate' : 'elasticsearch.ssl.key'],
        message: 'elasticsearch.ssl.certificate and elasticsearch.ssl.key go together',
      });
    if (c['elasticsearch.ssl.alwaysPresentCertificate'] && c['elasticsearch.ssl.certificate'] === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['elasticsearch.ssl.alwaysPresentCertificate'],
        message: 'needs elasticsearch.ssl.certificate and elasticsearch.ssl.key',
      });
    if (c['elasticsearch.username'] === 'elastic')
      ctx.addIssue({
        code: 'custom',
        path: ['elasticsearch.username'],
        message: 'Kibana must not connect as the elastic superuser (use kibana_system)',
      });
  });
export type KibanaYml = z.infer<typeof kibanaYmlSchema>;
export type KibanaYmlInput = z.input<typeof kibanaYmlSchema>;

/** Prints kibana.yml after validating it. */
export function printKibanaYml(config: KibanaYmlInput, options: { header?: string } = {}): string {
  return toYaml(validateWith(kibanaYmlSchema, config), { header: options.header ?? 'Rendered by @chatops/elastic-config: do not edit.' });
}
