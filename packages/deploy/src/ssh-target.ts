import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { Environment, NodeSpec } from '@chatops/environment';

/** Everything OpenSSH needs to reach one node, with defaults applied and paths made absolute. */
export interface SshTarget {
  readonly node: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Absolute path of the private key, or undefined for ssh's own defaults (agent, ~/.ssh/id_*). */
  readonly identityFile?: string;
  /** Absolute path of the known_hosts file that pins the node's host key. */
  readonly knownHosts: string;
  readonly jumpHost?: string;
}

/** The node's SSH target: per-node `ssh:` over environment-level `ssh:`, host defaulting to the node address. */
export function sshTarget(env: Environment, node: NodeSpec): SshTarget {
  const d = env.ssh ?? {};
  const n = node.ssh ?? {};
  const file = (p: string | undefined) =>
    p === undefined ? undefined : p.startsWith('~/') ? resolve(homedir(), p.slice(2)) : isAbsolute(p) ? p : resolve(env.baseDir, p);
  const identityFile = file(n.identityFile ?? d.identityFile);
  const jumpHost = n.jumpHost ?? d.jumpHost;
  return {
    node: node.name,
    host: n.host ?? node.address,
    port: n.port ?? d.port ?? 22,
    user: n.user ?? d.user ?? 'root',
    ...(identityFile ? { identityFile } : {}),
    knownHosts: file(n.knownHosts ?? d.knownHosts ?? '~/.ssh/known_hosts')!,
    ...(jumpHost ? { jumpHost } : {}),
  };
}
