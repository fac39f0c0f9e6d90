import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentInput } from '@chatops/environment';
import { dump } from 'js-yaml';
import { freePorts } from './ports.js';

/** Plaintext passwords matching the hashes in loopback environments (test-only values). */
export const LOOPBACK_PASSWORDS = {
  admin: 'admin-password',
  grafana: 'grafana-ds-password',
  prometheus: 'prometheus-sa-password',
} as const;

const HASHES = {
  admin: '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy',
  grafana: '$2b$10$aRZiSZdvBh1Sbg4ycghSTuVzKPd6vOW.GKlWA9TUgYI1pKqVTO5jm',
  prometheus: '$2b$10$wqIk/SWOLHsmjcmzFb4ccOoNbpWwAEI9nZrQVj2.ybm0mT0oX3ROi',
};

export interface LoopbackEnvironmentOptions {
  /** Directory to write the environment, its secrets and (via pathPrefix) every node's files into. */
  readonly dir: string;
  /** @default 'loopback' */
  readonly name?: string;
  /** Third octet of the 127.0.X.Y node addresses, to keep parallel test files apart. @default 0 */
  readonly subnet?: number;
  /** ChatOps instances per node. @default 2 */
  readonly instancesPerNode?: number;
  /** Number of chatops nodes. @default 2 */
  readonly chatopsNodes?: number;
  /** Deep-merged over the generated document. */
  readonly overrides?: Partial<EnvironmentInput>;
}

export interface LoopbackEnvironment {
  /** Path of the written environment file. */
  readonly file: string;
  readonly document: EnvironmentInput;
  /** Node root on this machine: where `/etc/x` of node `n` is written. */
  nodeRoot(node: string): string;
  readonly ports: Required<NonNullable<EnvironmentInput['ports']>>;
}

/**
 * Writes an environment that runs the whole stack on this machine: nodes on 127.0.X.2.. (their loopback-only
 * services on 127.1.X.Y), every port free and
 * above 10000, every path re-rooted under `dir/nodes/<node>`, secrets in files next to it.
 */
export async function loopbackEnvironment(options: LoopbackEnvironmentOptions): Promise<LoopbackEnvironment> {
  const subnet = options.subnet ?? 0;
  const p = await freePorts(17);
  const ports = {
    http: p[0]!,
    https: p[1]!,
    haproxyMetrics: p[2]!,
    certbot: p[3]!,
    chatops: p[4]!,
    grafana: p[5]!,
    prometheus: p[6]!,
    alertmanager: p[7]!,
    elasticsearch: p[8]!,
    kibana: p[9]!,
    logstash: p[10]!,
    cadvisor: p[11]!,
    systemdExporter: p[12]!,
    nodeExporter: p[13]!,
    cadvisorLocal: p[14]!,
    chatopsLocal: p[15]!,
    blackboxExporter: p[16]!,
  };
  // chatops instances take consecutive ports from ports.chatops and ports.chatopsLocal (a clash with another
  // port is caught by the environment's port check).
  const instances = options.instancesPerNode ?? 2;
  const secretsDir = join(options.dir, 'secrets');
  mkdirSync(secretsDir, { recursive: true });
  const secret = (name: string, value: string) => {
    writeFileSync(join(secretsDir, name), `${value}\n`, { mode: 0o600 });
    return { file: `secrets/${name}` };
  };
  const addr = (host: number) => `127.0.${subnet}.${host}`;
  // Each node's loopback-only services (terminator backends, cAdvisor, certbot) get an address of their own, so
  // nodes run side by side on this machine with the same ports.
  const local = (host: number) => `127.1.${subnet}.${host}`;
  const chatopsNodes = Array.from({ length: options.chatopsNodes ?? 2 }, (_, i) => ({
    name: `chatops-${i + 1}`,
    address: addr(21 + i),
    localAddress: local(21 + i),
    roles: ['chatops' as const],
  }));
  const document: EnvironmentInput = {
    name: options.name ?? 'loopback',
    domain: 'chatops.test',
    pathPrefix: join(options.dir, 'nodes', '{node}'),
    nodes: [
      { name: 'lb-1', address: addr(10), localAddress: local(10), roles: ['loadbalancer'] },
      ...chatopsNodes,
      { name: 'grafana-1', address: addr(31), localAddress: local(31), roles: ['grafana'] },
      { name: 'monitoring-1', address: addr(41), localAddress: local(41), roles: ['prometheus', 'alertmanager'] },
      { name: 'elastic-1', address: addr(51), localAddress: local(51), roles: ['elasticsearch', 'kibana', 'logstash'] },
    ],
    ports,
    tls: { public: { mode: 'self-signed' }, internal: { commonName: 'Loopback test CA', leafValidityDays: 30, renewBeforeDays: 5 } },
    users: [{ name: 'admin', passwordHash: HASHES.admin }],
    serviceAccounts: {
      grafana: { name: 'grafana', password: secret('grafana-password', LOOPBACK_PASSWORDS.grafana), passwordHash: HASHES.grafana },
      prometheus: {
        name: 'prometheus',
        password: secret('prometheus-password', LOOPBACK_PASSWORDS.prometheus),
        passwordHash: HASHES.prometheus,
      },
    },
    grafana: {
      adminPassword: secret('grafana-admin', 'grafana-admin-password'),
      oauth: {
        name: 'Test IAM',
        clientId: 'loopback',
        clientSecret: secret('oauth-secret', 'oauth-client-secret'),
        authUrl: 'https://iam.chatops.test/authorize',
        tokenUrl: 'https://iam.chatops.test/token',
        apiUrl: 'https://iam.chatops.test/userinfo',
      },
    },
    alerting: {
      slack: { webhookUrl: secret('slack-webhook', 'https://127.0.0.1:1/slack'), channel: '#alerts' },
      email: { to: ['ops@chatops.test'], from: 'alerts@chatops.test', smarthost: '127.0.0.1:25', requireTls: false },
    },
    chatops: {
      image: 'registry.chatops.test/chatops:test',
      instancesPerNode: instances,
      secrets: { SLACK_BOT_TOKEN: secret('slack-bot', 'xoxb-test') },
    },
    elastic: {
      elasticPassword: secret('elastic', 'elastic-password'),
      kibanaSystemPassword: secret('kibana-system', 'kibana-password'),
      logstashPassword: secret('logstash', 'logstash-password'),
    },
  };
  const merged = mergeDeep(document, options.overrides ?? {}) as EnvironmentInput;
  const file = join(options.dir, `${merged.name ?? 'loopback'}.yaml`);
  writeFileSync(file, dump(merged, { lineWidth: -1 }));
  return { file, document: merged, ports, nodeRoot: (node) => join(options.dir, 'nodes', node) };
}

function mergeDeep(base: unknown, over: unknown): unknown {
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over)) out[k] = mergeDeep(out[k], v);
    return out;
  }
  return over === undefined ? base : over;
}
