import type { Diagnostic, DocumentPath } from '@chatops/core';
import { type Environment, listenersOn, publicRoutes } from './environment.js';
import { ROLE_CARDINALITY, ROLES } from './roles.js';
import { webUserHashProblem } from './web-users.js';

/**
 * Consistency rules zod cannot express on its own: uniqueness, role placement, port clashes. A rule between two
 * fields is reported at the one the environment file sets when the other is a default (`isSet`: whether a path is
 * written in the file; by default every path is).
 */
export function crossCheck(env: Environment, isSet: (path: DocumentPath) => boolean = () => true): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seenNames = new Map<string, number>();
  const seenAddresses = new Map<string, number>();
  env.nodes.forEach((node, i) => {
    const prevName = seenNames.get(node.name);
    if (prevName !== undefined)
      out.push({ path: ['nodes', i, 'name'], message: `duplicate node name ${node.name} (also nodes[${prevName}])` });
    else seenNames.set(node.name, i);
    const prevAddr = seenAddresses.get(node.address);
    if (prevAddr !== undefined)
      out.push({
        path: ['nodes', i, 'address'],
        message: `duplicate node address ${node.address} (also used by ${env.nodes[prevAddr]?.name})`,
      });
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

  // Port clashes between the listeners of the stack's services (when the environment carries its catalogue).
  if (env.catalogue)
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
    // Every user logs in to Prometheus and Alertmanager too (both are mandatory), whose web configs take bcrypt only.
    const problem = webUserHashProblem(u, i);
    if (problem) out.push(problem);
  });
  const accounts = [env.serviceAccounts.grafana.name, env.serviceAccounts.prometheus.name];
  for (const [key, account] of Object.entries(env.serviceAccounts)) {
    if (users.has(account.name))
      out.push({ path: ['serviceAccounts', key, 'name'], message: `service account ${account.name} clashes with a user of the same name` });
  }
  if (accounts[0] === accounts[1])
    out.push({ path: ['serviceAccounts', 'prometheus', 'name'], message: 'service accounts must have distinct names' });

  const grafanas = env.nodes.filter((n) => n.roles.includes('grafana'));
  if (grafanas.length > 1 && env.grafana.database.type === 'sqlite3')
    out.push({
      path: ['grafana', 'database'],
      message: `${grafanas.length} Grafana nodes (${grafanas.map((n) => n.name).join(', ')}) would each keep their own SQLite database (users, sessions and API tokens diverging, a failover logging everyone out): give them a shared one (grafana.database: { type: postgres, host, password }) or place grafana on one node`,
    });

  out.push(...derivedLimits(env, isSet));
  return out;
}

const MAX_PORT = 65535;
/** Longest DNS name (RFC 1035) and certificate name we derive. */
const MAX_NAME = 253;

/** Values the stack derives from several fields (ports of later instances, sub-domain names, certificate lifetimes). */
function derivedLimits(env: Environment, isSet: (path: DocumentPath) => boolean): Diagnostic[] {
  /** The first path the file sets (the one to change), else the first. */
  const either = (...paths: DocumentPath[]): DocumentPath => paths.find(isSet) ?? paths[0]!;
  const out: Diagnostic[] = [];
  const n = env.chatops.instancesPerNode;
  for (const key of ['chatops', 'chatopsLocal'] as const) {
    const last = env.ports[key] + n - 1;
    if (last > MAX_PORT)
      out.push({
        path: either(['ports', key], ['chatops', 'instancesPerNode']),
        message: `with ${n} instances per node the last instance would use port ${last} (ports.${key} is ${env.ports[key]}: at most ${MAX_PORT - n + 1} here)`,
      });
  }
  // The longest public host name (with the catalogue's routes).
  const longestSub = env.catalogue
    ? publicRoutes(env)
        .map((r) => r.subdomain)
        .sort((a, b) => b.length - a.length)[0]
    : undefined;
  const publicName = `${longestSub}.${env.domain}`;
  if (longestSub !== undefined && publicName.length > MAX_NAME)
    out.push({
      path: ['domain'],
      message: `${publicName.length} characters once prefixed with ${longestSub}. (at most ${MAX_NAME}): use a domain of at most ${MAX_NAME - longestSub.length - 1}`,
    });
  const longestNode = [...env.nodes].sort((a, b) => b.name.length - a.name.length)[0];
  if (longestNode) {
    const fqdn = `${longestNode.name}.${env.internalDomain}`;
    if (fqdn.length > MAX_NAME)
      out.push({
        path: [env.internalDomain === `internal.${env.domain}` ? 'domain' : 'internalDomain'],
        message: `node name ${fqdn} would be ${fqdn.length} characters (at most ${MAX_NAME})`,
      });
  }
  const t = env.tls.internal;
  const caName = t.commonName ?? `${env.name} internal CA`;
  if (caName.length > 64) {
    // The default common name is made of the environment's name (name:, or the file's name: its first line).
    out.push({
      path: ['name'],
      message: `the CA's default common name "${caName}" is ${caName.length} characters (X.509 allows 64): set tls.internal.commonName`,
    });
  }
  if (t.renewBeforeDays >= t.leafValidityDays) {
    out.push({
      path: either(['tls', 'internal', 'renewBeforeDays'], ['tls', 'internal', 'leafValidityDays']),
      message: `renewBeforeDays (${t.renewBeforeDays} days) is not shorter than leafValidityDays (${t.leafValidityDays}): every certificate would be re-issued on every render`,
    });
  }
  if (t.leafValidityDays > t.caValidityDays) {
    out.push({
      path: either(['tls', 'internal', 'leafValidityDays'], ['tls', 'internal', 'caValidityDays']),
      message: `leafValidityDays (${t.leafValidityDays} days) is longer than caValidityDays (${t.caValidityDays}): a certificate may not outlive its CA`,
    });
  }
  return out;
}
