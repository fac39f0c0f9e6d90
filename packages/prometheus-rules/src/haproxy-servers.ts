import { type Environment, type NodeSpec, chatopsInstances, nodesWithRole } from '@chatops/environment';

/** One server of the edge's HAProxy backends, and the node it sends traffic to. */
export interface HaproxyServer {
  /** HAProxy backend (`proxy` label of HAProxy's metrics). */
  readonly proxy: string;
  /** HAProxy server name (`server` label): `<node>-<instance>` for ChatOps instances, the node's name otherwise. */
  readonly server: string;
  readonly node: NodeSpec;
}

/**
 * The servers of the edge's backends as `@chatops/haproxy-config` names them (a test compares this with the
 * rendered haproxy.cfg): what lets an alert about a HAProxy server speak of the node behind it.
 */
export function haproxyServers(env: Environment): HaproxyServer[] {
  const byRole = (role: 'grafana' | 'prometheus' | 'alertmanager' | 'kibana') =>
    nodesWithRole(env, role).map((node) => ({ proxy: role, server: node.name, node }));
  return [
    ...chatopsInstances(env).map((i) => ({ proxy: 'chatops', server: `${i.node.name}-${i.index}`, node: i.node })),
    ...byRole('grafana'),
    ...byRole('prometheus'),
    ...byRole('alertmanager'),
    ...byRole('kibana'),
  ];
}
