import { type Environment, TLS_DIR, chatopsInstances, findNode, nodeFqdn, nodePath, nodesWithRole, publicHost } from '@chatops/environment';
import { HAPROXY_PATHS, edgeUpstreams } from '@chatops/haproxy-config';
import type { HealthProbe } from './_remote.js';

/** A load balancer's HAProxy admin socket (runtime API), reached on that node. */
export interface BalancerSocket {
  readonly node: string;
  readonly socket: string;
}

/** One ChatOps instance as the rolling restart sees it: its unit, its HAProxy server and its health endpoint. */
export interface RolledInstance {
  readonly unit: string;
  readonly backend: string;
  readonly server: string;
  /** Every load balancer whose HAProxy routes to the instance. */
  readonly balancers: readonly BalancerSocket[];
  /** The instance's own health endpoint through its TLS terminator (the one HAProxy checks). */
  readonly probe: HealthProbe;
}

/**
 * The ChatOps instances on `node` by unit. Apply restarts them one at a time: drain the server in every HAProxy
 * (admin socket), restart, wait until its health endpoint answers over TLS with our CA, set the server ready and
 * wait until HAProxy's own checks report it UP, then the next one; so the other instances keep serving.
 */
export function rolledInstances(env: Environment, node: string): Map<string, RolledInstance> {
  const spec = findNode(env, node);
  const balancers = nodesWithRole(env, 'loadbalancer').map((lb) => ({
    node: lb.name,
    socket: nodePath(env, lb, HAPROXY_PATHS.adminSocket),
  }));
  const upstreams = edgeUpstreams(env).filter((u) => u.backend === 'chatops' && u.node.name === node);
  const out = new Map<string, RolledInstance>();
  for (const i of chatopsInstances(env, spec)) {
    const upstream = upstreams.find((u) => u.port === i.port);
    if (!upstream) continue;
    out.set(i.unit, {
      unit: i.unit,
      backend: upstream.backend,
      server: upstream.server,
      balancers,
      probe: {
        serverName: nodeFqdn(env, spec),
        address: spec.address,
        port: i.port,
        path: env.chatops.healthPath,
        host: publicHost(env, 'chatops'),
        ok: [200],
        caFile: nodePath(env, spec, `${TLS_DIR}/ca.pem`),
        // The terminator requires a client certificate from our CA: the leaf the app's renderer writes for this probe.
        client: {
          certFile: nodePath(env, spec, `${TLS_DIR}/chatops-client/cert.pem`),
          keyFile: nodePath(env, spec, `${TLS_DIR}/chatops-client/key.pem`),
        },
      },
    });
  }
  return out;
}
