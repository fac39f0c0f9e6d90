import type { ServiceFacts } from '@chatops/environment';

/** Grafana on every `grafana` node, after the Prometheus it queries. */
export const grafanaFacts: ServiceFacts = {
  service: 'grafana',
  runsOn: ['grafana'],
  after: ['prometheus'],
  listeners: (env) => [{ port: env.ports.grafana }],
  units: ['grafana-server.service'],
};
