import { type ServiceFacts, nodesWithRole } from '@chatops/environment';

/** Grafana on every `grafana` node, after the Prometheus it queries. */
export const grafanaFacts: ServiceFacts = {
  service: 'grafana',
  runsOn: ['grafana'],
  after: ['prometheus'],
  listeners: (env) => [{ port: env.ports.grafana }],
  units: ['grafana-server.service'],
  // Grafana logs users in itself (OAuth): no basic auth at the edge; sessions stay on one server.
  route: (env) => ({
    subdomain: 'grafana',
    auth: false,
    healthPath: '/api/health',
    expect: { status: '200' },
    balance: 'source',
    servers: nodesWithRole(env, 'grafana').map((node) => ({ name: node.name, node, port: env.ports.grafana })),
  }),
};
