import { reroot } from '@chatops/core';
import type { Role } from './roles.js';
import type { EnvironmentDocument, NodeSpec } from './schema.js';

/** A loaded, validated environment with every default applied. */
export interface Environment extends EnvironmentDocument {
  readonly name: string;
  readonly internalDomain: string;
  /** Directory of the environment file; relative references resolve against it. */
  readonly baseDir: string;
  /** The file it was loaded from, if any. */
  readonly sourceFile?: string;
}

/** Every service the stack places on nodes. */
export const SERVICES = [
  'haproxy',
  'certbot',
  'chatops',
  'cadvisor',
  'grafana',
  'prometheus',
  'alertmanager',
  'elasticsearch',
  'kibana',
  'logstash',
  'filebeat',
  'systemd-exporter',
  'node-exporter',
  'blackbox-exporter',
] as const;
export type ServiceName = (typeof SERVICES)[number];

const ROLE_SERVICES: Readonly<Record<Role, readonly ServiceName[]>> = {
  loadbalancer: ['haproxy'],
  chatops: ['chatops', 'cadvisor'],
  grafana: ['grafana'],
  // The blackbox exporter probes from where Prometheus runs: a probe then fails only when what it probes fails,
  // not because the network between Prometheus and the exporter did.
  prometheus: ['prometheus', 'blackbox-exporter'],
  alertmanager: ['alertmanager'],
  elasticsearch: ['elasticsearch'],
  kibana: ['kibana'],
  logstash: ['logstash'],
};
const EVERY_NODE: readonly ServiceName[] = ['filebeat', 'systemd-exporter', 'node-exporter'];

export function hasRole(node: NodeSpec, role: Role): boolean {
  return node.roles.includes(role);
}

export function nodesWithRole(env: Environment, role: Role): NodeSpec[] {
  return env.nodes.filter((n) => hasRole(n, role));
}

/** The single node carrying a role that must exist exactly once (the loader has checked it does). */
export function nodeWithRole(env: Environment, role: Role): NodeSpec {
  const node = env.nodes.find((n) => hasRole(n, role));
  if (!node) throw new Error(`environment ${env.name} has no ${role} node`);
  return node;
}

export function findNode(env: Environment, name: string): NodeSpec {
  const node = env.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`environment ${env.name} has no node ${name}`);
  return node;
}

/** Services placed on a node, in a stable order. certbot runs on the load balancer when Let's Encrypt is used. */
export function servicesOn(env: Environment, node: NodeSpec): ServiceName[] {
  const set = new Set<ServiceName>(EVERY_NODE);
  for (const role of node.roles) for (const s of ROLE_SERVICES[role]) set.add(s);
  if (hasRole(node, 'loadbalancer') && env.tls.public.mode === 'letsencrypt') set.add('certbot');
  return SERVICES.filter((s) => set.has(s));
}

/** One running copy of the ChatOps app. */
export interface ChatopsInstance {
  readonly node: NodeSpec;
  /** 1-based instance number on its node. */
  readonly index: number;
  /** Container name, also what the "instance down" alert matches: `chatops-1`. */
  readonly containerName: string;
  /** systemd unit that runs the container: `chatops@1.service`. */
  readonly unit: string;
  /** Public (TLS) port on the node address. */
  readonly port: number;
  /** Port the container publishes on 127.0.0.1, behind the TLS terminator. */
  readonly localPort: number;
}

export function chatopsInstances(env: Environment, node?: NodeSpec): ChatopsInstance[] {
  const nodes = node ? (hasRole(node, 'chatops') ? [node] : []) : nodesWithRole(env, 'chatops');
  return nodes.flatMap((n) =>
    Array.from({ length: env.chatops.instancesPerNode }, (_, i) => ({
      node: n,
      index: i + 1,
      containerName: `chatops-${i + 1}`,
      unit: `chatops@${i + 1}.service`,
      port: env.ports.chatops + i,
      localPort: env.ports.chatopsLocal + i,
    })),
  );
}

/** A listening socket a service opens on a node (used for the port-conflict check and by scrape jobs). */
export interface Listener {
  readonly service: ServiceName;
  readonly port: number;
  readonly label: string;
  /**
   * What the socket speaks: TLS with a certificate from our CA (`internal`), the public edge certificate
   * (`public`), or plain text on loopback and the `:80` redirect (`none`). The blackbox exporter probes every
   * `internal` one.
   */
  readonly tls: 'internal' | 'public' | 'none';
}

export function listenersOn(env: Environment, node: NodeSpec): Listener[] {
  const p = env.ports;
  const out: Listener[] = [];
  const add = (service: ServiceName, port: number, label: string = service, tls: Listener['tls'] = 'internal') =>
    out.push({ service, port, label, tls });
  for (const service of servicesOn(env, node)) {
    switch (service) {
      case 'haproxy':
        add(service, p.http, 'haproxy http', 'none');
        add(service, p.https, 'haproxy https', 'public');
        add(service, p.haproxyMetrics, 'haproxy metrics');
        break;
      case 'certbot':
        add(service, p.certbot, service, 'none');
        break;
      case 'chatops':
        for (const i of chatopsInstances(env, node)) {
          add(service, i.port, i.containerName);
          add(service, i.localPort, `${i.containerName} (${node.localAddress})`, 'none');
        }
        break;
      case 'cadvisor':
        add(service, p.cadvisor);
        add(service, p.cadvisorLocal, `cadvisor (${node.localAddress})`, 'none');
        break;
      case 'grafana':
        add(service, p.grafana);
        break;
      case 'prometheus':
        add(service, p.prometheus);
        break;
      case 'alertmanager':
        add(service, p.alertmanager);
        break;
      case 'elasticsearch':
        add(service, p.elasticsearch);
        break;
      case 'kibana':
        add(service, p.kibana);
        break;
      case 'logstash':
        add(service, p.logstash);
        break;
      case 'systemd-exporter':
        add(service, p.systemdExporter);
        break;
      case 'node-exporter':
        add(service, p.nodeExporter);
        break;
      case 'blackbox-exporter':
        add(service, p.blackboxExporter);
        break;
      case 'filebeat':
        break;
    }
  }
  return out;
}

/** Where a file with absolute path `path` lands on `node`, after the environment's path prefix. */
export function nodePath(env: Environment, node: NodeSpec | string, path: string): string {
  const name = typeof node === 'string' ? node : node.name;
  return reroot(env.pathPrefix.replaceAll('{node}', name), path);
}

/** The node's name on the private network: `prometheus-1.internal.cloud-chatops.nubes.rl.ac.uk`. */
export function nodeFqdn(env: Environment, node: NodeSpec): string {
  return `${node.name}.${env.internalDomain}`;
}

/** Sub-domains the edge routes (each to the service of the same name); the bare domain serves the ChatOps app. */
export const PUBLIC_SUBDOMAINS = ['grafana', 'kibana', 'prometheus', 'alertmanager', 'chatops'] as const;
export type PublicSubdomain = (typeof PUBLIC_SUBDOMAINS)[number];

/** Every public host name: the bare domain first, then each routed sub-domain (what the public certificate covers). */
export function publicHosts(env: Environment): string[] {
  return [env.domain, ...PUBLIC_SUBDOMAINS.map((s) => `${s}.${env.domain}`)];
}

/** Public host name of a routed service: `publicHost(env, 'grafana')` -> `grafana.<domain>`; no prefix -> `<domain>`. */
export function publicHost(env: Environment, subdomain?: string): string {
  return subdomain ? `${subdomain}.${env.domain}` : env.domain;
}

/**
 * Public `https://` URL of a routed service as users reach it through the edge: the port is part of it when
 * `ports.https` is not 443 (links in alert mails, OAuth redirect URIs and external URLs must carry it).
 */
export function publicUrl(env: Environment, subdomain?: string, path = '/'): string {
  const port = env.ports.https === 443 ? '' : `:${env.ports.https}`;
  return `https://${publicHost(env, subdomain)}${port}${path}`;
}

/**
 * `https://` URL of a service on a node over the private network, by the node's address: nothing on the nodes
 * resolves `*.<internalDomain>` (no DNS zone, no /etc/hosts of ours), and every leaf names its address (IP SAN),
 * so full verification holds. Clients that can send a server name send `nodeFqdn` as well (SNI + name check):
 * HAProxy (`sni`/`verifyhost`), Prometheus (`server_name`), Grafana (`serverName`).
 */
export function internalUrl(env: Environment, node: NodeSpec, port: number, path = ''): string {
  return `https://${node.address}:${port}${path}`;
}
