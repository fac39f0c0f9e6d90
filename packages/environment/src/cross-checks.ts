import type { Diagnostic } from '@chatops/core';
import { type Environment, listenersOn } from './environment.js';
import { ROLE_CARDINALITY, ROLES } from './roles.js';

/** Consistency rules zod cannot express on its own: uniqueness, role placement, port clashes. */
export function crossCheck(env: Environment): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seenNames = new Map<string, number>();
  const seenAddresses = new Map<string, number>();
  env.nodes.forEach((node, i) => {
    const prevName = seenNames.get(node.name);
    if (prevName !== undefined) out.push({ path: ['nodes', i, 'name'], message: `duplicate node name ${node.name} (also nodes[${prevName}])` });
    else seenNames.set(node.name, i);
    const prevAddr = seenAddresses.get(node.address);
    if (prevAddr !== undefined)
      out.push({ path: ['nodes', i, 'address'], message: `duplicate node address ${node.address} (also used by ${env.nodes[prevAddr]?.name})` });
    else seenAddresses.set(node.address, i);
    const dupRole = node.roles.find((r, j) => node.roles.indexOf(r) !== j);
    if (dupRole) out.push({ path: ['nodes', i, 'roles'], message: `role ${dupRole} listed twice` });
  });

  for (const role of ROLES) {
    const count = env.nodes.filter((n) => n.roles.includes(role)).length;
    const { min, max } = ROLE_CARDINALITY[role];
    if (count < min) out.push({ path: ['nodes'], message: `no node has the required role ${role}` });
    if (count > max) out.push({ path: ['nodes'], message: `role ${role} may be placed on at most ${max} node, found ${count}` });
  }

  env.nodes.forEach((node, i) => {
    const byPort = new Map<number, string>();
    for (const l of listenersOn(env, node)) {
      const other = byPort.get(l.port);
      if (other) out.push({ path: ['nodes', i], message: `port ${l.port} is used by both ${other} and ${l.label} on node ${node.name}` });
      else byPort.set(l.port, l.label);
    }
  });

  const users = new Set<string>();
  env.users.forEach((u, i) => {
    if (users.has(u.name)) out.push({ path: ['users', i, 'name'], message: `duplicate user ${u.name}` });
    users.add(u.name);
  });
  const accounts = [env.serviceAccounts.grafana.name, env.serviceAccounts.prometheus.name];
  for (const [key, account] of Object.entries(env.serviceAccounts)) {
    if (users.has(account.name)) out.push({ path: ['serviceAccounts', key, 'name'], message: `service account ${account.name} clashes with a user of the same name` });
  }
  if (accounts[0] === accounts[1]) out.push({ path: ['serviceAccounts', 'prometheus', 'name'], message: 'service accounts must have distinct names' });

  return out;
}
