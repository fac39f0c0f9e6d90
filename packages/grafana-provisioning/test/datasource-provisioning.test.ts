import { describe, expect, it } from 'vitest';
import { type DatasourceFileInput, printDashboardProviders, printDatasourceFile } from '@chatops/grafana-provisioning';
import { TEST_CA, catchError } from './_fixtures.js';

const datasource = {
  name: 'Prometheus',
  type: 'prometheus' as const,
  uid: 'prom',
  url: 'https://prometheus-1.internal.example.org:9090',
  basicAuth: true,
  basicAuthUser: 'grafana',
  jsonData: { tlsAuthWithCACert: true },
  secureJsonData: { tlsCACert: TEST_CA, basicAuthPassword: '$__file{/etc/grafana/secrets/prometheus-password}' },
};
const file = (ds: Record<string, unknown>): DatasourceFileInput => ({ apiVersion: 1, datasources: [{ ...datasource, ...ds }] as never });

describe('datasource provisioning model', () => {
  it('renders a valid file', () => {
    expect(printDatasourceFile(file({}))).toContain('basicAuthPassword: $__file{/etc/grafana/secrets/prometheus-password}');
  });

  it('rejects unknown keys, inline passwords and stray "$"', () => {
    expect(catchError(() => printDatasourceFile(file({ password: 'x' })))).toMatchInlineSnapshot(
      `"datasources.Prometheus.password: unknown key"`,
    );
    expect(
      catchError(() => printDatasourceFile(file({ secureJsonData: { ...datasource.secureJsonData, basicAuthPassword: 's3cret' } }))),
    ).toMatchInlineSnapshot(
      `"datasources.Prometheus.secureJsonData.basicAuthPassword: expected a $__file{/absolute/path} or $__env{NAME} reference, never an inline secret value"`,
    );
    expect(catchError(() => printDatasourceFile(file({ basicAuthUser: 'gr$fana' })))).toMatchInlineSnapshot(
      `"datasources.Prometheus.basicAuthUser: Grafana expands "$" here (environment variables, $__file{}); write "$$" for a literal "$""`,
    );
  });

  it('ties basic auth and CA trust to their secure fields', () => {
    expect(catchError(() => printDatasourceFile(file({ secureJsonData: {} })))).toMatchInlineSnapshot(`
      "datasources.Prometheus.secureJsonData.basicAuthPassword: required when basicAuth is on
      datasources.Prometheus.secureJsonData.tlsCACert: required when tlsAuthWithCACert is on"
    `);
    expect(catchError(() => printDatasourceFile(file({ url: 'http://prometheus:9090' })))).toMatchInlineSnapshot(
      `"datasources.Prometheus.url: tlsAuthWithCACert needs an https:// URL"`,
    );
    expect(
      catchError(() => printDatasourceFile(file({ secureJsonData: { ...datasource.secureJsonData, tlsCACert: 'not a pem' } }))),
    ).toMatchInlineSnapshot(`"datasources.Prometheus.secureJsonData.tlsCACert: expected PEM certificate(s)"`);
  });

  it('rejects duplicate names and uids', () => {
    expect(catchError(() => printDatasourceFile({ apiVersion: 1, datasources: [datasource, datasource] }))).toMatchInlineSnapshot(`
      "datasources.Prometheus.name: duplicate datasource name Prometheus
      datasources.Prometheus.uid: duplicate datasource uid prom"
    `);
  });
});

describe('dashboard provider model', () => {
  it('rejects unknown keys and relative paths', () => {
    const provider = { name: 'p', type: 'file' as const, options: { path: '/var/lib/grafana/dashboards' } };
    expect(printDashboardProviders({ apiVersion: 1, providers: [provider] })).toMatchInlineSnapshot(`
      "apiVersion: 1
      providers:
        - name: p
          type: file
          options:
            path: /var/lib/grafana/dashboards
      "
    `);
    expect(
      catchError(() => printDashboardProviders({ apiVersion: 1, providers: [{ ...provider, options: { path: 'dashboards' } }] })),
    ).toMatchInlineSnapshot(`"providers.p.options.path: expected an absolute path"`);
    expect(
      catchError(() => printDashboardProviders({ apiVersion: 1, providers: [{ ...provider, folderUID: 'x' }] } as never)),
    ).toMatchInlineSnapshot(`"providers.p.folderUID: unknown key"`);
  });
});
