import { type Artifact, artifact, execLine, raw, sandbox } from '@chatops/core';
import type { Environment, NodeSpec, ServiceName } from '@chatops/environment';
import { nodeFqdn, nodePath, servicesOn } from '@chatops/environment';
import { unitArtifact } from './_common.js';
import { type StunnelService, printStunnelConfig } from './stunnel-config.js';

/** `systemd-analyze security` budget of a terminator unit (see tlsTerminator's sandbox; systemd 252 scores it 1.1). */
export const TLS_TERMINATOR_BUDGET = { max: 1.5 } as const;

/** Where TLS terminator configs go. */
export const STUNNEL_DIR = '/etc/chatops/stunnel';

export interface TlsTerminatorProps {
  /** Unit name without `.service`, also the config file name: `cadvisor-tls`. */
  readonly unit: string;
  readonly description: string;
  /** Sections: name -> accept/connect/cert/key. */
  readonly services: Readonly<Record<string, StunnelService>>;
  /** The unit the terminator fronts (ordered after it). */
  readonly backendUnit: string;
  /** @default '/usr/bin/stunnel4' (Debian `stunnel4`) */
  readonly binary?: string;
  /** @default 'stunnel4' (the Debian package's system user) */
  readonly user?: string;
}

/**
 * The hosts whose client certificates a terminator accepts (stunnel `checkHost`): the FQDNs of the nodes running
 * any of `clients`, and of `also`. Our client leaves name their node (not their service) in their DNS names, so
 * this restricts by node: any client leaf of ours on an allowed node passes. Undefined when no node qualifies.
 */
export function terminatorClientHosts(
  env: Environment,
  clients: readonly ServiceName[],
  also: readonly NodeSpec[] = [],
): string[] | undefined {
  const nodes = env.nodes.filter((n) => also.includes(n) || servicesOn(env, n).some((s) => clients.includes(s)));
  // No such node (no Prometheus in the environment): stunnel has no "nobody" setting; any client leaf of ours.
  return nodes.length > 0 ? nodes.map((n) => nodeFqdn(env, n)) : undefined;
}

/**
 * A stunnel4 TLS terminator: accepts TLS on the node address with our certificate and forwards to a daemon that
 * only listens on loopback (cAdvisor, the ChatOps containers). `systemctl reload` re-reads config and certificates.
 */
export function tlsTerminator(env: Environment, node: NodeSpec, props: TlsTerminatorProps): Artifact[] {
  const configPath = nodePath(env, node, `${STUNNEL_DIR}/${props.unit}.conf`);
  return [
    artifact({
      path: configPath,
      content: printStunnelConfig({ global: { foreground: 'yes', pid: '' }, services: props.services }),
      service: props.unit,
      action: 'reload',
    }),
    unitArtifact(env, node, `${props.unit}.service`, {
      Unit: {
        Description: `${props.description} (rendered by @chatops/units)`,
        After: ['network-online.target', `${props.backendUnit}`],
        Wants: 'network-online.target',
      },
      Service: {
        Type: 'simple',
        User: props.user ?? 'stunnel4',
        Group: props.user ?? 'stunnel4',
        ExecStart: execLine([props.binary ?? '/usr/bin/stunnel4', configPath]),
        ExecReload: execLine(['/bin/kill', '-HUP', raw('$MAINPID')]),
        Restart: 'on-failure',
        RestartSec: '5s',
        // Unprivileged ports, its own user, nothing written: the strictest sandbox.
        ...sandbox(),
      },
      Install: { WantedBy: 'multi-user.target' },
    }),
  ];
}
