import { type HealthFact, type ServiceFacts, nodesWithRole } from '@chatops/environment';

// Prometheus' web.yml puts every path, /-/healthy included, behind basic auth (401 proves it is up) and requires a
// client certificate from our CA: deploy's check presents Prometheus' own client leaf on the node.
const health: HealthFact = { port: (env) => env.ports.prometheus, path: '/-/healthy', ok: [200, 401], clientCertificate: 'prometheus' };

/** Prometheus on the `prometheus` node, after Alertmanager and the exporters it scrapes. */
export const prometheusFacts: ServiceFacts = {
  service: 'prometheus',
  runsOn: ['prometheus'],
  after: ['alertmanager', 'node-exporter', 'systemd-exporter', 'cadvisor', 'blackbox-exporter'],
  listeners: (env) => [{ port: env.ports.prometheus }],
  units: ['prometheus.service'],
  health,
  requires: {
    binaries: [
      { binary: 'prometheus', fix: 'apt-get install prometheus' },
      { binary: 'promtool', fix: 'apt-get install prometheus' },
    ],
    user: 'prometheus',
  },
  secrets: ['serviceAccounts.prometheus'],
  logs: { journal: true },
  metrics: [{ job: 'prometheus', port: (e) => e.ports.prometheus, path: '/metrics', basicAuth: true }],
  route: (env) => ({
    subdomain: 'prometheus',
    auth: true,
    healthPath: health.path,
    expect: { rstatus: '^(200|401)$' },
    // Prometheus lets a query run 2 minutes (--query.timeout): HAProxy must not cut it off at 30s with a 504.
    timeoutServer: '150s',
    servers: nodesWithRole(env, 'prometheus').map((node) => ({ name: node.name, node, port: env.ports.prometheus })),
  }),
};
