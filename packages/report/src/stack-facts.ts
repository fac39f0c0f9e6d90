import { X509Certificate } from 'node:crypto';
import {
  type CertificateRequest,
  type Environment,
  type NodeSpec,
  type RenderContext,
  type ServiceName,
  certificateId,
  metricsEndpoints,
  nodeFqdn,
  nodesWithRole,
  publicHost,
  publicRoutes,
  servicesOn,
} from '@chatops/environment';
import { edgeUpstreams } from '@chatops/haproxy-config';

/** One end of a flow: a service on a node, or something outside the stack (client, Slack, mail). */
export type Endpoint =
  | { readonly kind: 'service'; readonly node: string; readonly service: ServiceName }
  | { readonly kind: 'external'; readonly name: string };

/** A connection one component opens to another, as the rendered configs set it up. */
export interface Flow {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol: string;
  /** What the flow carries (`traffic`, `logs`, `metrics`, `alerts`, `queries`). */
  readonly carries: 'traffic' | 'logs' | 'metrics' | 'alerts' | 'queries';
  /** For internal hops: the certificate the server presents and whether it verifies against the node's name. */
  readonly tls?: InternalTls;
}

export interface InternalTls {
  /** Certificate id (`<node>/<service>`) presented by the server. */
  readonly certificate: string;
  /** The name the client checks (`verifyhost` / `server_name`). */
  readonly serverName: string;
  /** CA the client trusts. */
  readonly trusts: string;
  /** Whether the presented certificate is valid for `serverName` (a certificate was requested that names it). */
  readonly verifies: boolean;
}

export interface CertificateFact {
  readonly id: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notAfter: Date;
  readonly names: readonly string[];
}

export interface RouteFact {
  readonly host: string;
  readonly backend: string;
  readonly servers: readonly { readonly name: string; readonly node: string; readonly port: number }[];
  /** Whether HAProxy asks for basic auth (Grafana authenticates users itself, by OAuth). */
  readonly auth: boolean;
}

/** Everything the report draws, derived from the environment and the stack's certificate requests. */
export interface StackFacts {
  readonly name: string;
  readonly domain: string;
  readonly nodes: readonly { readonly name: string; readonly address: string; readonly services: readonly ServiceName[] }[];
  readonly flows: readonly Flow[];
  readonly routes: readonly RouteFact[];
  readonly publicCertificate: CertificateFact;
  readonly certificates: readonly CertificateFact[];
  readonly caName: string;
}

const svc = (node: NodeSpec, service: ServiceName): Endpoint => ({ kind: 'service', node: node.name, service });

function describe(id: string, pem: string, notAfter: Date): CertificateFact {
  const x = new X509Certificate(pem);
  const cn = (dn: string) => /CN=([^\n]+)/.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');
  const names = (x.subjectAltName ?? '')
    .split(', ')
    .filter(Boolean)
    .map((n) => n.replace(/^(DNS|IP Address):/, ''));
  return { id, subject: cn(x.subject), issuer: cn(x.issuer), notAfter, names };
}

/**
 * Derives the report's facts from the environment: flows from the same helpers the renderers use (edge
 * upstreams, metrics endpoints, role placement), certificates from the stack's certificate requests.
 */
export function stackFacts(ctx: RenderContext, requests: readonly CertificateRequest[]): StackFacts {
  const { env } = ctx;
  const byId = new Map(requests.map((r) => [r.id, r]));
  const caName = describe('ca', ctx.pki.caCert, new Date(new X509Certificate(ctx.pki.caCert).validTo)).subject;
  const tls = (node: NodeSpec, service: ServiceName): InternalTls => {
    const id = certificateId(node, service);
    const serverName = nodeFqdn(env, node);
    return { certificate: id, serverName, trusts: caName, verifies: byId.get(id)?.dnsNames.includes(serverName) ?? false };
  };
  const flows: Flow[] = [];
  // Every node of `fromNodes` (running `from`) connects to every node of `toNodes` (running `to`) over TLS.
  const connect = (
    fromNodes: readonly NodeSpec[],
    from: ServiceName,
    toNodes: readonly NodeSpec[],
    to: ServiceName,
    port: number,
    protocol: string,
    carries: Flow['carries'],
  ) => {
    for (const f of fromNodes)
      for (const t of toNodes) flows.push({ from: svc(f, from), to: svc(t, to), port, protocol, carries, tls: tls(t, to) });
  };
  const lbs = nodesWithRole(env, 'loadbalancer');
  for (const lb of lbs) {
    flows.push({
      from: { kind: 'external', name: 'client' },
      to: svc(lb, 'haproxy'),
      port: env.ports.https,
      protocol: 'https',
      carries: 'traffic',
    });
    for (const u of edgeUpstreams(env))
      connect([lb], 'haproxy', [u.node], serviceOfBackend(env, u.node, u.backend), u.port, 'https', 'traffic');
  }
  const logstash = nodesWithRole(env, 'logstash');
  const elastic = nodesWithRole(env, 'elasticsearch');
  const shippers = env.nodes.filter((node) => servicesOn(env, node).includes('filebeat'));
  connect(shippers, 'filebeat', logstash, 'logstash', env.ports.logstash, 'beats+tls', 'logs');
  connect(logstash, 'logstash', elastic, 'elasticsearch', env.ports.elasticsearch, 'https', 'logs');
  connect(nodesWithRole(env, 'kibana'), 'kibana', elastic, 'elasticsearch', env.ports.elasticsearch, 'https', 'queries');
  const prometheus = nodesWithRole(env, 'prometheus');
  for (const p of prometheus) {
    for (const m of metricsEndpoints(env)) connect([p], 'prometheus', [m.node], m.service, m.port, `${m.scheme} ${m.path}`, 'metrics');
    connect([p], 'prometheus', nodesWithRole(env, 'alertmanager'), 'alertmanager', env.ports.alertmanager, 'https', 'alerts');
  }
  connect(nodesWithRole(env, 'grafana'), 'grafana', prometheus, 'prometheus', env.ports.prometheus, 'https', 'queries');
  for (const a of nodesWithRole(env, 'alertmanager')) {
    if (env.alerting.slack)
      flows.push({
        from: svc(a, 'alertmanager'),
        to: { kind: 'external', name: 'Slack' },
        port: 443,
        protocol: 'https webhook',
        carries: 'alerts',
      });
    if (env.alerting.email) {
      const port = Number(env.alerting.email.smarthost.split(':').pop());
      flows.push({
        from: svc(a, 'alertmanager'),
        to: { kind: 'external', name: 'mail' },
        port,
        protocol: `smtp ${env.alerting.email.smarthost}`,
        carries: 'alerts',
      });
    }
  }
  const routes = edgeRoutes(env);
  const certificates = requests
    .map((r) => {
      const leaf = ctx.pki.leaf(r.id);
      return describe(r.id, leaf.cert, leaf.notAfter);
    })
    .sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime() || (a.id < b.id ? -1 : 1));
  return {
    name: env.name,
    domain: env.domain,
    nodes: env.nodes.map((n) => ({ name: n.name, address: n.address, services: servicesOn(env, n) })),
    flows,
    routes,
    publicCertificate: describe('public', ctx.pki.publicCert.cert, ctx.pki.publicCert.notAfter),
    certificates,
    caName,
  };
}

/** The route facts behind an edge backend (backends are named after their route's sub-domain). */
function routeOf(env: Environment, backend: string): ReturnType<typeof publicRoutes>[number] {
  const route = publicRoutes(env).find((r) => r.subdomain === backend);
  if (!route) throw new Error(`edge backend ${backend} has no route in the catalogue`);
  return route;
}

/** The service behind an edge backend's server on a node (its route's service). */
function serviceOfBackend(env: Environment, node: NodeSpec, backend: string): ServiceName {
  const { service } = routeOf(env, backend);
  if (!servicesOn(env, node).includes(service))
    throw new Error(`edge backend ${backend} has a server on ${node.name}, which runs no such service`);
  return service;
}

function edgeRoutes(env: Environment): RouteFact[] {
  const byBackend = new Map<string, RouteFact['servers'][number][]>();
  for (const u of edgeUpstreams(env)) {
    const list = byBackend.get(u.backend) ?? [];
    list.push({ name: u.server, node: u.node.name, port: u.port });
    byBackend.set(u.backend, list);
  }
  return [...byBackend].map(([backend, servers]) => ({
    host: publicHost(env, backend),
    backend,
    servers,
    // The route's fact: every route but Grafana's asks for basic auth (DESIGN §4); Grafana logs users in by OAuth.
    auth: routeOf(env, backend).auth,
  }));
}
