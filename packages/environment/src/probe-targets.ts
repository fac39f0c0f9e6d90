import type { ServiceName } from './service-facts.js';
import { type Environment, listenersOn, nodeFqdn, nodeWithRole, nodesWithRole, publicHosts, publicUrl } from './environment.js';
import type { NodeSpec } from './schema.js';

/** Prometheus jobs of the blackbox probes. */
export const PROBE_JOBS = { public: 'probe-public', internal: 'probe-internal' } as const;

/**
 * One endpoint the blackbox exporter probes. This is the one place where probes are decided: the exporter's
 * modules and Prometheus' probe jobs are both generated from it.
 */
export interface ProbeTarget {
  readonly job: (typeof PROBE_JOBS)[keyof typeof PROBE_JOBS];
  /** The blackbox module (one per server name: a module's TLS server name is fixed). */
  readonly module: string;
  /** What the exporter is told to probe: a URL (public, HTTP) or `address:port` (internal, TLS handshake). */
  readonly target: string;
  /** The `instance` label of the probe's series: the public URL users open, or the internal `address:port`. */
  readonly instance: string;
  /** The node that answers: the load balancer for a public host, the service's node for an internal endpoint. */
  readonly node: NodeSpec;
  /** The name the certificate must carry (public host, or the node's FQDN). */
  readonly serverName: string;
  /** The service behind the endpoint (`haproxy` for every public host). */
  readonly service: ServiceName;
  /** Public hosts only: the HAProxy backend that serves the host (the bare domain is the ChatOps app's). */
  readonly proxy?: string;
}

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Every probe of the environment: each public host through HAProxy on the load balancer (Host header and SNI of
 * the host, so the public chain is verified whatever DNS says), then each internal TLS listener by address
 * (verified against our CA with the node's FQDN). None when no node runs the blackbox exporter.
 */
export function probeTargets(env: Environment): ProbeTarget[] {
  if (nodesWithRole(env, 'prometheus').length === 0) return [];
  const out: ProbeTarget[] = [];
  const lb = nodesWithRole(env, 'loadbalancer').length > 0 ? nodeWithRole(env, 'loadbalancer') : undefined;
  if (lb) {
    for (const host of publicHosts(env)) {
      const sub = host === env.domain ? undefined : host.slice(0, host.length - env.domain.length - 1);
      out.push({
        job: PROBE_JOBS.public,
        module: `public-${sub ?? 'domain'}`,
        target: `https://${hostPort(lb.address, env.ports.https)}/`,
        instance: publicUrl(env, sub),
        node: lb,
        serverName: host,
        service: 'haproxy',
        proxy: sub ?? 'chatops',
      });
    }
  }
  for (const node of env.nodes) {
    for (const l of listenersOn(env, node).filter((x) => x.tls === 'internal')) {
      out.push({
        job: PROBE_JOBS.internal,
        module: `internal-${node.name}`,
        target: hostPort(node.address, l.port),
        instance: hostPort(node.address, l.port),
        node,
        serverName: nodeFqdn(env, node),
        service: l.service,
      });
    }
  }
  return out;
}
