import type { ServiceFacts } from '@chatops/environment';

/** Prometheus on the `prometheus` node, after Alertmanager and the exporters it scrapes. */
export const prometheusFacts: ServiceFacts = {
  service: 'prometheus',
  runsOn: ['prometheus'],
  after: ['alertmanager', 'node-exporter', 'systemd-exporter', 'cadvisor', 'blackbox-exporter'],
  listeners: (env) => [{ port: env.ports.prometheus }],
  units: ['prometheus.service'],
  metrics: [{ job: 'prometheus', port: (e) => e.ports.prometheus, path: '/metrics', basicAuth: true }],
};
