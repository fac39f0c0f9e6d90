import { reroot } from '@chatops/core';
import type { Role } from './roles.js';
import type { Catalogue, PublicRoute, ServiceFacts, ServiceName } from './service-facts.js';
import type { EnvironmentDocument, NodeSpec } from './schema.js';

/** A loaded, validated environment with every default applied. */
export interface Environment extends EnvironmentDocument {
  readonly name: string;
  readonly internalDomain: string;
  /** Directory of the environment file; relative references resolve against it. */
  readonly baseDir: string;
  /** The file it was loaded from, if any. */
  readonly sourceFile?: string;
  /**
   * The services of the stack it is rendered with (`withCatalogue`, or `loadEnvironment`'s `services`): what
   * `servicesOn`, `listenersOn`, `unitsOn` and `metricsEndpoints` derive from. Not part of the environment file.
   */
  readonly catalogue?: Catalogue;
}

/** The environment with the stack's catalogue attached (the derivations below read it). */
export function withCatalogue(env: Environment, catalogue: Catalogue): Environment {
  return { ...env, catalogue };
}

/** The catalogue an environment is rendered with; an environment loaded without one cannot place services. */
export function catalogueOf(env: Environment): Catalogue {
  if (!env.catalogue)
    throw new Error(`environment ${env.name} has no service catalogue: load it with \`services\` or attach one with withCatalogue`);
  return env.catalogue;
}

/** The facts of a registered service. */
export function serviceFacts(env: Environment, service: ServiceName): ServiceFacts {
  const facts = catalogueOf(env).find((s) => s.service === service);
  if (!facts) throw new Error(`service ${service} is not in the catalogue of environment ${env.name}`);
  return facts;
}

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

/** Services placed on a node, in catalogue order: each runs where its `runsOn` roles (and `runsIf`) say. */
export function servicesOn(env: Environment, node: NodeSpec): ServiceName[] {
  return catalogueOf(env)
    .filter((s) => (s.runsOn === 'every-node' || s.runsOn.some((r) => hasRole(node, r))) && (s.runsIf?.(env, node) ?? true))
    .map((s) => s.service);
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

/** Every socket the services placed on a node open, from their `listeners` facts. */
export function listenersOn(env: Environment, node: NodeSpec): Listener[] {
  return servicesOn(env, node).flatMap((service) =>
    (serviceFacts(env, service).listeners?.(env, node) ?? []).map((l) => ({
      service,
      port: l.port,
      label: l.label ?? service,
      tls: l.tls ?? 'internal',
    })),
  );
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

/** The public routes of the catalogue's services (their `route` facts), in catalogue order. */
export function publicRoutes(env: Environment): (PublicRoute & { readonly service: ServiceName })[] {
  return catalogueOf(env).flatMap((s) => (s.route ? [{ ...s.route(env), service: s.service }] : []));
}

/** Every public host name: the bare domain first, then each routed sub-domain (what the public certificate covers). */
export function publicHosts(env: Environment): string[] {
  return [env.domain, ...publicRoutes(env).map((r) => `${r.subdomain}.${env.domain}`)];
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
 * HAProxy (`sni`/`verifyhost`), Prometheus (`server_name`), Grafana (`serverName`). The environment is not read
 * today; it stays the first parameter like every other URL helper's.
 */
export function internalUrl(_env: Environment, node: NodeSpec, port: number, path = ''): string {
  return `https://${node.address}:${port}${path}`;
}
