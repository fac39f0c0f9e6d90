import { type HealthFact, type ServiceFacts, nodesWithRole } from '@chatops/environment';

/** The system user and group of the Debian package. */
export const GRAFANA_USER = 'grafana';

const health: HealthFact = { port: (env) => env.ports.grafana, path: '/api/health', ok: [200] };

/** Grafana on every `grafana` node, after the Prometheus it queries. */
export const grafanaFacts: ServiceFacts = {
  service: 'grafana',
  runsOn: ['grafana'],
  after: ['prometheus'],
  listeners: (env) => [{ port: env.ports.grafana }],
  units: ['grafana-server.service'],
  health,
  requires: {
    binaries: [{ binary: 'grafana-server', fix: "apt-get install grafana (from Grafana's apt repository)" }],
    user: GRAFANA_USER,
  },
  secrets: ['serviceAccounts.grafana', 'grafana'],
  logs: { files: () => ['/var/log/grafana/grafana.log'] },
  // Grafana logs users in itself (OAuth): no basic auth at the edge; sessions stay on one server.
  route: (env) => ({
    subdomain: 'grafana',
    auth: false,
    healthPath: health.path,
    expect: { status: '200' },
    balance: 'source',
    servers: nodesWithRole(env, 'grafana').map((node) => ({ name: node.name, node, port: env.ports.grafana })),
  }),
};
