import { type Diagnostic, type DocumentPath, duration, hostname, validateWith, toYaml } from '@chatops/core';
import { z } from 'zod';
import { secretReference, strayExpansion } from './_expansion.js';

/** A Grafana uid: letters, digits, `-` and `_`, at most 40 characters. */
export const grafanaUid = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, { message: 'expected a uid of at most 40 letters, digits, "-" or "_"' });

const pemCertificate = z.string().regex(/^(-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?)+$/, {
  message: 'expected PEM certificate(s)',
});

const prometheusJsonData = z.strictObject({
  httpMethod: z.enum(['GET', 'POST']).optional(),
  /** Lowest step Grafana uses: the scrape interval. */
  timeInterval: duration.optional(),
  queryTimeout: duration.optional(),
  tlsAuth: z.boolean().optional(),
  tlsAuthWithCACert: z.boolean().optional(),
  tlsSkipVerify: z.literal(false).optional(),
  serverName: hostname.optional(),
  prometheusType: z.enum(['Prometheus', 'Cortex', 'Mimir', 'Thanos']).optional(),
  prometheusVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/)
    .optional(),
  manageAlerts: z.boolean().optional(),
});

const prometheusSecureJsonData = z.strictObject({
  tlsCACert: pemCertificate.optional(),
  /** The client certificate inline, or `$__file{}` of the file the node holds it in. */
  tlsClientCert: z.union([pemCertificate, secretReference]).optional(),
  tlsClientKey: secretReference.optional(),
  basicAuthPassword: secretReference.optional(),
});

const prometheusDatasource = z
  .strictObject({
    name: z.string().min(1),
    type: z.literal('prometheus'),
    uid: grafanaUid,
    access: z.enum(['proxy', 'direct']).optional(),
    orgId: z.number().int().min(1).optional(),
    url: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }),
    isDefault: z.boolean().optional(),
    editable: z.boolean().optional(),
    basicAuth: z.boolean().optional(),
    basicAuthUser: z.string().min(1).optional(),
    jsonData: prometheusJsonData.optional(),
    secureJsonData: prometheusSecureJsonData.optional(),
    version: z.number().int().min(1).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.basicAuth) {
      if (!d.basicAuthUser) ctx.addIssue({ code: 'custom', path: ['basicAuthUser'], message: 'required when basicAuth is on' });
      if (!d.secureJsonData?.basicAuthPassword)
        ctx.addIssue({ code: 'custom', path: ['secureJsonData', 'basicAuthPassword'], message: 'required when basicAuth is on' });
    }
    if (d.jsonData?.tlsAuthWithCACert && !d.secureJsonData?.tlsCACert) {
      ctx.addIssue({ code: 'custom', path: ['secureJsonData', 'tlsCACert'], message: 'required when tlsAuthWithCACert is on' });
    }
    if (d.jsonData?.tlsAuthWithCACert && !d.url.startsWith('https://')) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'tlsAuthWithCACert needs an https:// URL' });
    }
    if (d.jsonData?.tlsAuth && (!d.secureJsonData?.tlsClientCert || !d.secureJsonData.tlsClientKey)) {
      ctx.addIssue({ code: 'custom', path: ['secureJsonData'], message: 'tlsAuth needs tlsClientCert and tlsClientKey' });
    }
  });

/** `provisioning/datasources/*.yaml` (apiVersion 1), restricted to the Prometheus datasources we provision. */
export const datasourceFileSchema = z
  .strictObject({
    apiVersion: z.literal(1),
    deleteDatasources: z.array(z.strictObject({ name: z.string().min(1), orgId: z.number().int().min(1) })).optional(),
    datasources: z.array(prometheusDatasource).min(1),
  })
  .superRefine((file, ctx) => {
    const names = new Set<string>();
    const uids = new Set<string>();
    file.datasources.forEach((d, i) => {
      if (names.has(d.name))
        ctx.addIssue({ code: 'custom', path: ['datasources', i, 'name'], message: `duplicate datasource name ${d.name}` });
      if (uids.has(d.uid)) ctx.addIssue({ code: 'custom', path: ['datasources', i, 'uid'], message: `duplicate datasource uid ${d.uid}` });
      names.add(d.name);
      uids.add(d.uid);
    });
    if (file.datasources.filter((d) => d.isDefault).length > 1) {
      ctx.addIssue({ code: 'custom', path: ['datasources'], message: 'at most one datasource may be the default' });
    }
  });

export type DatasourceFile = z.output<typeof datasourceFileSchema>;
export type DatasourceFileInput = z.input<typeof datasourceFileSchema>;
export type PrometheusDatasource = DatasourceFile['datasources'][number];

/** Every string value of a document with its path, for checks across the whole tree. */
export function stringLeaves(value: unknown, path: DocumentPath = []): { path: DocumentPath; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

/** The `$` Grafana would expand by surprise anywhere in a provisioning file, one problem per value. */
export function strayExpansions(file: unknown): Diagnostic[] {
  return stringLeaves(file).flatMap(({ path, value }) => {
    const stray = strayExpansion(value);
    return stray ? [{ path, message: stray }] : [];
  });
}

/** Validates a datasource provisioning file, including `$` Grafana would expand by surprise. */
export function validateDatasourceFile(value: unknown): DatasourceFile {
  return validateWith(datasourceFileSchema, value, {}, strayExpansions);
}

export function printDatasourceFile(value: DatasourceFileInput, options: { header?: string } = {}): string {
  return toYaml(validateDatasourceFile(value), options);
}
