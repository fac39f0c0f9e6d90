import type { ServiceFacts } from '@chatops/environment';

/** Alertmanager on the `alertmanager` node. */
export const alertmanagerFacts: ServiceFacts = {
  service: 'alertmanager',
  runsOn: ['alertmanager'],
  listeners: (env) => [{ port: env.ports.alertmanager }],
  units: ['prometheus-alertmanager.service'],
  metrics: [{ job: 'alertmanager', port: (e) => e.ports.alertmanager, path: '/metrics', basicAuth: true }],
};
