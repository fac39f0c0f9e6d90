import { type Artifact, type ServiceAction, type UnitFileInput, artifact, printUnitFile } from '@chatops/core';
import { type Environment, type NodeSpec, nodePath } from '@chatops/environment';

/** Where rendered units go (they override a package's unit of the same name in /lib/systemd/system). */
export const SYSTEMD_DIR = '/etc/systemd/system';

/** Renders a unit file artifact (0644 root, a change needs `daemon-reload` + `action`). */
export function unitArtifact(
  env: Environment,
  node: NodeSpec,
  name: string,
  unit: UnitFileInput,
  props: { service?: string; action?: ServiceAction } = {},
): Artifact {
  return artifact({
    path: nodePath(env, node, `${SYSTEMD_DIR}/${name}`),
    content: printUnitFile(unit, { header: `Rendered by @chatops/units for ${node.name}: do not edit.` }),
    mode: '0644',
    service: props.service ?? name.replace(/\.service$|\.timer$/, ''),
    action: props.action ?? 'restart',
  });
}

/** `host:port`, bracketing IPv6 addresses. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
