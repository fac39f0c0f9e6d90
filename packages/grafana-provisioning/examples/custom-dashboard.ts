// Run from the repository root: npx tsx --conditions=@chatops/source packages/grafana-provisioning/examples/custom-dashboard.ts
import { buildDashboard, printDashboard, printGrafanaIni } from '@chatops/grafana-provisioning';

const datasource = { type: 'prometheus' as const, uid: 'chatops-prometheus' };

const dashboard = buildDashboard({
  uid: 'my-app',
  title: 'My app',
  tags: ['chatops'],
  datasource,
  rows: [
    {
      title: 'Traffic',
      panels: [
        {
          kind: 'timeseries',
          title: 'Requests',
          unit: 'reqps',
          queries: [{ expr: 'sum by (proxy) (rate(haproxy_frontend_http_requests_total[$__rate_interval]))', legend: '{{proxy}}' }],
        },
        {
          kind: 'stat',
          title: 'Targets down',
          queries: [{ expr: 'count(up == 0) or vector(0)', instant: true }],
          thresholds: { base: 'green', steps: [{ value: 1, color: 'red' }] },
        },
      ],
    },
  ],
});

// Validated (strict schema, unique ids, grid, datasource references, PromQL) and printed as Grafana reads it.
process.stdout.write(printDashboard(dashboard, { datasourceUids: [datasource.uid] }));

// grafana.ini from the native model: secrets only as $__file{} / $__env{} references.
process.stdout.write(
  printGrafanaIni({
    server: {
      protocol: 'https',
      http_addr: '10.0.0.31',
      http_port: 3000,
      cert_file: '/etc/grafana/cert.pem',
      cert_key: '/etc/grafana/key.pem',
    },
    security: { admin_password: '$__file{/etc/grafana/secrets/admin-password}' },
  }),
);
