import { type ServiceFacts, nodesWithRole } from '@chatops/environment';

/** Prometheus on the `prometheus` node, after Alertmanager and the exporters it scrapes. */
export const prometheusFacts: ServiceFacts = {
  service: 'prometheus',
  runsOn: ['prometheus'],
  after: ['alertmanager', 'node-exporter', 'systemd-exporter', 'cadvisor', 'blackbox-exporter'],
  listeners: (env) => [{ port: env.ports.prometheus }],
  units: ['prometheus.service'],
  metrics: [{ job: 'prometheus', port: (e) => e.ports.prometheus, path: '/metrics', basicAuth: true }],
  route: (env) => ({
    subdomain: 'prometheus',
    auth: true,
    healthPath: '/-/healthy',
    // Prometheus' web.yml puts every path, /-/healthy included, behind basic auth: 401 proves it is up.
    expect: { rstatus: '^(200|401)$' },
    // Prometheus lets a query run 2 minutes (--query.timeout): HAProxy must not cut it off at 30s with a 504.
    timeoutServer: '150s',
    servers: nodesWithRole(env, 'prometheus').map((node) => ({ name: node.name, node, port: env.ports.prometheus })),
  }),
};
