import { absolutePath, port } from '@chatops/core';
import { z } from 'zod';
import { optionsPlugin } from './_options.js';
import type { Plugin } from './ast.js';

export const beatsInputSchema = z.strictObject({
  /** Plugin id shown in monitoring APIs. */
  id: z.string().min(1).optional(),
  /** Address to bind. @default '0.0.0.0' */
  host: z.string().min(1).optional(),
  port,
  /** @default false */
  sslEnabled: z.boolean().optional(),
  /** PEM certificate (leaf, then chain). */
  sslCertificate: absolutePath.optional(),
  /** PKCS#8 PEM private key (the beats input rejects PKCS#1 keys). */
  sslKey: absolutePath.optional(),
  /** CAs that sign client certificates. */
  sslCertificateAuthorities: z.array(absolutePath).min(1).optional(),
  /** @default 'none' */
  sslClientAuthentication: z.enum(['none', 'optional', 'required']).optional(),
  /** @default ['TLSv1.2', 'TLSv1.3'] */
  sslSupportedProtocols: z
    .array(z.enum(['TLSv1.1', 'TLSv1.2', 'TLSv1.3']))
    .min(1)
    .optional(),
});
export type BeatsInputProps = z.input<typeof beatsInputSchema>;

/** The `beats` input (Logstash 8 `ssl_*` option names). TLS needs both a certificate and its PKCS#8 key. */
export function beatsInput(props: BeatsInputProps): Plugin {
  return optionsPlugin('beats', beatsInputSchema, props, (o) => {
    const problems: { path: string[]; message: string }[] = [];
    if (o.sslEnabled && (!o.sslCertificate || !o.sslKey))
      problems.push({ path: ['sslEnabled'], message: 'ssl_enabled needs ssl_certificate and ssl_key' });
    if (!o.sslEnabled && (o.sslCertificate || o.sslKey || o.sslCertificateAuthorities)) {
      problems.push({ path: ['sslEnabled'], message: 'TLS files are given but ssl_enabled is not true' });
    }
    if (o.sslClientAuthentication && o.sslClientAuthentication !== 'none' && !o.sslCertificateAuthorities) {
      problems.push({
        path: ['sslCertificateAuthorities'],
        message: `ssl_client_authentication ${o.sslClientAuthentication} needs ssl_certificate_authorities`,
      });
    }
    return problems;
  });
}
