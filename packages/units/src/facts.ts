import { type BinaryRequirement, type ServiceFacts, chatopsInstances } from '@chatops/environment';

/** The ChatOps app's first line of every message: `[2024-01-31 12:00:00,123] INFO in module: ...`. */
const CHATOPS_MULTILINE_PATTERN = String.raw`^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}\]`;

/** The ChatOps app's log line, e.g. `[2024-05-01 12:00:00,123] INFO in app: started`. */
// (?m): Filebeat joins a traceback's lines into one event; without it GREEDYDATA stops at the first newline.
const CHATOPS_LOG_PATTERN = '(?m)\\[%{TIMESTAMP_ISO8601:timestamp}\\] %{LOGLEVEL:level} in %{DATA:module}: %{GREEDYDATA:log_message}';
const CHATOPS_DATE_FORMAT = 'yyyy-MM-dd HH:mm:ss,SSS';

/** certbot's log lines start with `2024-01-31 12:00:00,123:`. */
const CERTBOT_MULTILINE_PATTERN = String.raw`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}:`;

/** The TLS terminator in front of the app and cAdvisor. */
const STUNNEL: BinaryRequirement = { binary: 'stunnel4', fix: 'apt-get install stunnel4' };

/** The ChatOps app: its instances on every `chatops` node, each behind the shared TLS terminator. */
export const chatopsFacts: ServiceFacts = {
  service: 'chatops',
  runsOn: ['chatops'],
  listeners: (env, node) =>
    chatopsInstances(env, node).flatMap((i) => [
      { port: i.port, label: i.containerName },
      { port: i.localPort, label: `${i.containerName} (${node.localAddress})`, tls: 'none' as const },
    ]),
  nodeUnits: (env, node) => chatopsInstances(env, node).map((i) => i.unit),
  units: ['chatops-tls.service'],
  // Each instance's health is checked through its terminator by the rolling restart (deploy's rolledInstances).
  requires: { binaries: [{ binary: 'docker', fix: 'apt-get install docker.io' }, STUNNEL], user: 'root' },
  secrets: ['chatops'],
  // Docker's json-file logs of the node's app containers.
  logs: { containers: (env, node) => chatopsInstances(env, node).map((i) => i.containerName), firstLine: CHATOPS_MULTILINE_PATTERN },
  logParsing: {
    grok: CHATOPS_LOG_PATTERN,
    date: { field: 'timestamp', format: CHATOPS_DATE_FORMAT, removeField: true },
  },
  // The bare domain serves the app too; every instance of every node is a server of its route.
  route: (env) => ({
    subdomain: 'chatops',
    bareDomain: true,
    auth: true,
    healthPath: env.chatops.healthPath,
    expect: { status: '200' },
    stripAuthorization: true,
    servers: chatopsInstances(env).map((i) => ({ name: `${i.node.name}-${i.index}`, node: i.node, port: i.port })),
  }),
};

/** cAdvisor next to the app, on loopback behind a TLS terminator (it has no TLS or bcrypt auth of its own). */
export const cadvisorFacts: ServiceFacts = {
  service: 'cadvisor',
  runsOn: ['chatops'],
  listeners: (env, node) => [
    { port: env.ports.cadvisor },
    { port: env.ports.cadvisorLocal, label: `cadvisor (${node.localAddress})`, tls: 'none' },
  ],
  units: ['cadvisor.service', 'cadvisor-tls.service'],
  requires: {
    binaries: [
      {
        binary: '/usr/local/bin/cadvisor',
        fix: 'install the cAdvisor release binary to /usr/local/bin/cadvisor (Debian 12 has no package)',
      },
      STUNNEL,
    ],
  },
  logs: { journal: true },
  metrics: [{ job: 'cadvisor', port: (e) => e.ports.cadvisor, path: '/metrics', basicAuth: false }],
};

/** certbot on the load balancer when Let's Encrypt issues the public certificate; it runs from a timer (no unit to watch). */
export const certbotFacts: ServiceFacts = {
  service: 'certbot',
  runsOn: ['loadbalancer'],
  runsIf: (env) => env.tls.public.mode === 'letsencrypt',
  listeners: (env) => [{ port: env.ports.certbot, tls: 'none' }],
  requires: { binaries: [{ binary: 'certbot', fix: 'apt-get install certbot' }] },
  logs: { files: () => ['/var/log/letsencrypt/letsencrypt.log'], firstLine: CERTBOT_MULTILINE_PATTERN },
};

/** node_exporter on every node. */
export const nodeExporterFacts: ServiceFacts = {
  service: 'node-exporter',
  runsOn: 'every-node',
  listeners: (env) => [{ port: env.ports.nodeExporter }],
  units: ['prometheus-node-exporter.service'],
  requires: { binaries: [{ binary: 'prometheus-node-exporter', fix: 'apt-get install prometheus-node-exporter' }] },
  logs: { journal: true },
  metrics: [{ job: 'node', port: (e) => e.ports.nodeExporter, path: '/metrics', basicAuth: true }],
};

/** systemd_exporter on every node. */
export const systemdExporterFacts: ServiceFacts = {
  service: 'systemd-exporter',
  runsOn: 'every-node',
  listeners: (env) => [{ port: env.ports.systemdExporter }],
  units: ['systemd-exporter.service'],
  requires: {
    binaries: [
      {
        binary: '/usr/local/bin/systemd_exporter',
        fix: 'install the systemd_exporter release binary to /usr/local/bin/systemd_exporter',
      },
    ],
  },
  logs: { journal: true },
  metrics: [{ job: 'systemd', port: (e) => e.ports.systemdExporter, path: '/metrics', basicAuth: true }],
};

/**
 * The blackbox exporter probes from where Prometheus runs: a probe then fails only when what it probes fails,
 * not because the network between Prometheus and the exporter did.
 */
export const blackboxExporterFacts: ServiceFacts = {
  service: 'blackbox-exporter',
  runsOn: ['prometheus'],
  listeners: (env) => [{ port: env.ports.blackboxExporter }],
  units: ['prometheus-blackbox-exporter.service'],
  requires: { binaries: [{ binary: 'prometheus-blackbox-exporter', fix: 'apt-get install prometheus-blackbox-exporter' }] },
  logs: { journal: true },
  metrics: [{ job: 'blackbox', port: (e) => e.ports.blackboxExporter, path: '/metrics', basicAuth: true }],
};
