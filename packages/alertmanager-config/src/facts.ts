import { type HealthFact, type ServiceFacts, nodesWithRole } from '@chatops/environment';

/** The user Debian's package runs Alertmanager as; it must read the key and secret files. */
export const ALERTMANAGER_USER = 'prometheus';

// Behind its own basic auth (401 proves it is up), and it requires a client certificate from our CA: deploy's check
// presents the client leaf Alertmanager's renderer writes for it on the node (Alertmanager itself calls nothing
// inside the stack).
const health: HealthFact = {
  port: (env) => env.ports.alertmanager,
  path: '/-/healthy',
  ok: [200, 401],
  clientCertificate: 'alertmanager',
};

/** Alertmanager on the `alertmanager` node. */
export const alertmanagerFacts: ServiceFacts = {
  service: 'alertmanager',
  runsOn: ['alertmanager'],
  listeners: (env) => [{ port: env.ports.alertmanager }],
  units: ['prometheus-alertmanager.service'],
  health,
  requires: {
    binaries: [
      { binary: 'prometheus-alertmanager', fix: 'apt-get install prometheus-alertmanager' },
      { binary: 'amtool', fix: 'apt-get install prometheus-alertmanager' },
    ],
    user: ALERTMANAGER_USER,
  },
  secrets: ['alerting'],
  logs: { journal: true },
  metrics: [{ job: 'alertmanager', port: (e) => e.ports.alertmanager, path: '/metrics', basicAuth: true }],
  route: (env) => ({
    subdomain: 'alertmanager',
    auth: true,
    healthPath: health.path,
    expect: { rstatus: '^(200|401)$' },
    servers: nodesWithRole(env, 'alertmanager').map((node) => ({ name: node.name, node, port: env.ports.alertmanager })),
  }),
};
