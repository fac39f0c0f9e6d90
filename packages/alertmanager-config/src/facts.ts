import { type ServiceFacts, nodesWithRole } from '@chatops/environment';

/** Alertmanager on the `alertmanager` node. */
export const alertmanagerFacts: ServiceFacts = {
  service: 'alertmanager',
  runsOn: ['alertmanager'],
  listeners: (env) => [{ port: env.ports.alertmanager }],
  units: ['prometheus-alertmanager.service'],
  metrics: [{ job: 'alertmanager', port: (e) => e.ports.alertmanager, path: '/metrics', basicAuth: true }],
  route: (env) => ({
    subdomain: 'alertmanager',
    auth: true,
    healthPath: '/-/healthy',
    expect: { rstatus: '^(200|401)$' },
    servers: nodesWithRole(env, 'alertmanager').map((node) => ({ name: node.name, node, port: env.ports.alertmanager })),
  }),
};
