import { absolutePath } from '@chatops/core';
import { z } from 'zod';
import { optionsPlugin } from './_options.js';
import type { Plugin } from './ast.js';
import { substitutionsIn } from './substitutions.js';

export const elasticsearchOutputSchema = z.strictObject({
  id: z.string().min(1).optional(),
  /** `https://host:port` URLs. */
  hosts: z.array(z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' })).min(1),
  /** @default inferred from the hosts' scheme */
  sslEnabled: z.boolean().optional(),
  /** PEM CA files that sign the cluster's certificates. */
  sslCertificateAuthorities: z.array(absolutePath).min(1).optional(),
  /**
   * The client certificate (leaf, then chain) and its PKCS#8 PEM key presented to Elasticsearch, which requires one
   * (mutual TLS). Plugin 11.14.0+ (Logstash 8.8+), the release that also brought `ssl_enabled` and
   * `ssl_verification_mode`; older plugins only had `keystore`. Options:
   * https://www.elastic.co/guide/en/logstash/current/plugins-outputs-elasticsearch.html#plugins-outputs-elasticsearch-ssl_certificate
   */
  sslCertificate: absolutePath.optional(),
  sslKey: absolutePath.optional(),
  /** @default 'full' */
  sslVerificationMode: z.enum(['full', 'none']).optional(),
  user: z.string().min(1).optional(),
  /** Must be a `${VAR}` reference (keystore or environment), never the password itself. */
  password: z.string().min(1).optional(),
  /** Index name (sprintf), e.g. `logs-%{+YYYY.MM.dd}`. */
  index: z.string().min(1).optional(),
  /** Write to a data stream. @default 'auto' */
  dataStream: z.enum(['true', 'false', 'auto']).optional(),
  /** @default 'auto' */
  ilmEnabled: z.enum(['true', 'false', 'auto']).optional(),
  /** Let Logstash install its index template. @default true */
  manageTemplate: z.boolean().optional(),
});
export type ElasticsearchOutputProps = z.input<typeof elasticsearchOutputSchema>;

/** The `elasticsearch` output: TLS on for https hosts, the password only as a `${VAR}` reference. */
export function elasticsearchOutput(props: ElasticsearchOutputProps): Plugin {
  return optionsPlugin('elasticsearch', elasticsearchOutputSchema, props, (o) => {
    const problems: { path: string[]; message: string }[] = [];
    if (o.password !== undefined && !/^\$\{[a-zA-Z_.][a-zA-Z0-9_.]*\}$/.test(o.password)) {
      problems.push({ path: ['password'], message: 'password must be a ${VAR} keystore/environment reference, not a literal value' });
    }
    if (o.password !== undefined && o.user === undefined) problems.push({ path: ['user'], message: 'a password needs a user' });
    const https = o.hosts.some((h) => h.startsWith('https:'));
    if (o.hosts.some((h) => h.startsWith('https:') !== https)) problems.push({ path: ['hosts'], message: 'hosts mix http and https' });
    if (o.sslEnabled === false && https) problems.push({ path: ['sslEnabled'], message: 'ssl_enabled is false but the hosts are https' });
    if (o.sslCertificateAuthorities && !https && o.sslEnabled !== true)
      problems.push({ path: ['sslCertificateAuthorities'], message: 'CA files given for plain http hosts' });
    if ((o.sslCertificate === undefined) !== (o.sslKey === undefined))
      problems.push({
        path: [o.sslCertificate === undefined ? 'sslCertificate' : 'sslKey'],
        message: 'ssl_certificate and ssl_key go together',
      });
    if (o.sslCertificate && !https && o.sslEnabled !== true)
      problems.push({ path: ['sslCertificate'], message: 'a client certificate given for plain http hosts' });
    if (o.index && o.dataStream === 'true') problems.push({ path: ['index'], message: 'index cannot be set when data_stream is true' });
    if (o.index && substitutionsIn(o.index).length > 0)
      problems.push({ path: ['index'], message: 'index must not use ${VAR} substitutions' });
    return problems;
  });
}
