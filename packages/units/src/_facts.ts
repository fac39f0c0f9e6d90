import type { Artifact } from '@chatops/core';
import { type Environment, type NodeSpec, chatopsInstances, nodeFqdn, nodePath, parseDocument, servicesOn } from '@chatops/environment';
import { chatopsAppPaths } from './chatops-app.js';
import { argsFlags, parseArgsVariable, parseEnvFile } from '@chatops/core';
import { exporterArgsPath } from './exporters.js';
import { parseStunnelServices } from './stunnel-config.js';
import { STUNNEL_DIR } from './tls-terminator.js';

/** Where an exporter unit rendered on a node really listens (read back from the rendered files). */
export interface ListenFact {
  readonly service: 'node-exporter' | 'systemd-exporter' | 'cadvisor';
  readonly unit: string;
  readonly node: NodeSpec;
  readonly address: string;
  readonly port: number;
  readonly path: string;
  readonly basicAuthUsers: readonly string[];
  /** The file the fact was read from. */
  readonly file: string;
}

/** An app instance as rendered: its container name and the TLS address it is served at. */
export interface InstanceFact {
  readonly node: NodeSpec;
  readonly unit: string;
  readonly container: string;
  readonly address: string;
  readonly port: number;
  readonly file: string;
}

export function findArtifact(bundle: readonly Artifact[] | undefined, path: string): Artifact | undefined {
  return bundle?.find((a) => a.path === path);
}

function splitHostPort(value: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(value.trim());
  return m ? { host: m[1]!, port: Number(m[2]) } : undefined;
}

/** The flags of an `EnvironmentFile`'s `ARGS=` as systemd hands them to the daemon. */
function flags(envFile: string): Record<string, string> {
  return argsFlags(parseArgsVariable(parseEnvFile(envFile).ARGS ?? ''));
}

const EXPORTER_UNITS = { 'node-exporter': 'prometheus-node-exporter', 'systemd-exporter': 'systemd-exporter' } as const;

/** Reads every exporter's listen address back from the rendered argument, web-config and stunnel files. */
export function listenFacts(env: Environment, bundles: ReadonlyMap<string, readonly Artifact[]>): ListenFact[] {
  const facts: ListenFact[] = [];
  for (const node of env.nodes) {
    const bundle = bundles.get(node.name);
    const services = servicesOn(env, node);
    for (const service of ['node-exporter', 'systemd-exporter'] as const) {
      if (!services.includes(service)) continue;
      const unit = EXPORTER_UNITS[service];
      const file = exporterArgsPath(env, node, unit);
      const args = findArtifact(bundle, file);
      if (!args) continue;
      const f = flags(args.content);
      const listen = splitHostPort(f['web.listen-address'] ?? '');
      if (!listen) continue;
      const webConfig = f['web.config.file'] ? findArtifact(bundle, f['web.config.file']) : undefined;
      const users = webConfig
        ? Object.keys(
            ((parseDocument(webConfig.content, webConfig.path, '.yml').data ?? {}) as { basic_auth_users?: object }).basic_auth_users ?? {},
          )
        : [];
      facts.push({
        service,
        unit,
        node,
        address: listen.host,
        port: listen.port,
        path: f['web.telemetry-path'] ?? '/metrics',
        basicAuthUsers: users,
        file,
      });
    }
    if (services.includes('cadvisor')) {
      const file = nodePath(env, node, `${STUNNEL_DIR}/cadvisor-tls.conf`);
      const conf = findArtifact(bundle, file);
      const args = findArtifact(bundle, exporterArgsPath(env, node, 'cadvisor'));
      const accept = conf ? splitHostPort(parseStunnelServices(conf.content).cadvisor?.accept ?? '') : undefined;
      if (accept && args) {
        const f = flags(args.content);
        facts.push({
          service: 'cadvisor',
          unit: 'cadvisor-tls',
          node,
          address: accept.host,
          port: accept.port,
          path: f.prometheus_endpoint ?? '/metrics',
          basicAuthUsers: [],
          file,
        });
      }
    }
  }
  return facts;
}

/** Reads each ChatOps instance back from the rendered instance env files and the chatops-tls config. */
export function instanceFacts(env: Environment, bundles: ReadonlyMap<string, readonly Artifact[]>): InstanceFact[] {
  const facts: InstanceFact[] = [];
  for (const node of env.nodes) {
    const bundle = bundles.get(node.name);
    const conf = findArtifact(bundle, nodePath(env, node, `${STUNNEL_DIR}/chatops-tls.conf`));
    const sections = conf ? parseStunnelServices(conf.content) : {};
    for (const i of chatopsInstances(env, node)) {
      const file = chatopsAppPaths(env, node).instanceEnv(i.index);
      const a = findArtifact(bundle, file);
      if (!a) continue;
      const container = parseEnvFile(a.content).CHATOPS_CONTAINER ?? '';
      const accept = splitHostPort(sections[container]?.accept ?? '');
      facts.push({ node, unit: i.unit, container, address: accept?.host ?? '', port: accept?.port ?? 0, file });
    }
  }
  return facts;
}

/** The node a host (address, short name or FQDN) designates. */
export function resolveNode(env: Environment, host: string): NodeSpec | undefined {
  return env.nodes.find((n) => n.address === host || n.name === host || nodeFqdn(env, n) === host);
}

export { splitHostPort };
