import { chmodSync, chownSync, readFileSync } from 'node:fs';
import type { Artifact } from '@chatops/core';
import { type ParsedUnitFile, parseUnitFile } from '@chatops/core';
import { requireBinary, run } from '@chatops/testing';

/**
 * What a unit's sandbox can be applied here without an init (systemd-run cannot run in this container):
 * - `User=`/`Group=`: setpriv switches to them (when the test runs as root), clearing supplementary groups;
 * - `NoNewPrivileges=yes`: setpriv --no-new-privs;
 * - `CapabilityBoundingSet=` (empty): setpriv drops the bounding, inheritable and ambient sets;
 * - `ProtectSystem=strict`: a private mount namespace (unshare) where / is remounted read-only (the test's
 *   scratch files under /tmp keep their own mount, as `ReadWritePaths=` would).
 * Everything else is checked only statically, by `systemd-analyze security` and `verify` on the rendered unit.
 * The list is written out here on purpose rather than taken from core's directive lists: it is the test's own
 * statement of what it cannot apply, independent of the code it checks (`duplicates` pairs it with
 * core's systemd-unit.ts; that is by design).
 */
export const STATIC_ONLY = [
  'ProtectHome',
  'PrivateTmp',
  'PrivateDevices',
  'PrivateUsers',
  'PrivateIPC',
  'PrivateMounts',
  'ProtectProc',
  'ProcSubset',
  'ProtectKernelTunables',
  'ProtectKernelModules',
  'ProtectKernelLogs',
  'ProtectControlGroups',
  'ProtectClock',
  'ProtectHostname',
  'RestrictAddressFamilies',
  'RestrictNamespaces',
  'RestrictRealtime',
  'RestrictSUIDSGID',
  'RemoveIPC',
  'LockPersonality',
  'MemoryDenyWriteExecute',
  'SystemCallArchitectures',
  'SystemCallFilter',
  'DevicePolicy',
  'KeyringMode',
  'UMask',
] as const;

/** The `[Service]` directives of a rendered unit. */
export function serviceOf(unitText: string): Record<string, string[]> {
  return (parseUnitFile(unitText) as ParsedUnitFile).Service ?? {};
}

const isRoot = () => process.getuid?.() === 0;

/**
 * Gives the unit's user the files it would own on a node (owner/group as rendered), and lets it traverse the
 * scratch root, so the daemon reads them as that user. A no-op unless the test runs as root.
 */
export function handOver(artifacts: readonly Artifact[], scratchRoot: string): void {
  if (!isRoot()) return;
  chmodSync(scratchRoot, 0o755);
  for (const a of artifacts) {
    if (a.owner === undefined && a.group === undefined) continue;
    const id = (flag: '-u' | '-g', name: string) => Number(run('id', [flag, name]).stdout.trim());
    chownSync(a.path, a.owner ? id('-u', a.owner) : -1, a.group ? id('-g', a.group) : -1);
  }
}

/**
 * The command line that starts `argv` under what the unit's sandbox allows here (see above): `unshare` for a
 * read-only /, then `setpriv` for the user, no new privileges and no capabilities.
 */
export function confined(service: Record<string, string[]>, argv: readonly string[]): { command: string; args: string[] } {
  const one = (k: string) => service[k]?.at(-1);
  const setpriv: string[] = [];
  if (isRoot() && one('User')) setpriv.push(`--reuid=${one('User')}`, `--regid=${one('Group') ?? one('User')}`, '--clear-groups');
  if (one('NoNewPrivileges') === 'yes') setpriv.push('--no-new-privs');
  if (service.CapabilityBoundingSet?.at(-1) === '') setpriv.push('--inh-caps=-all', '--ambient-caps=-all', '--bounding-set=-all');
  const inner = setpriv.length > 0 ? [requireBinary('setpriv'), ...setpriv, ...argv] : [...argv];
  if (one('ProtectSystem') !== 'strict' || !isRoot()) return { command: inner[0]!, args: inner.slice(1) };
  const script = 'mount --make-rprivate / && mount -o remount,bind,ro / && exec "$@"';
  return { command: requireBinary('unshare'), args: ['--mount', '--', '/bin/sh', '-c', script, 'confined', ...inner] };
}

/** What a running process got: its uid, no-new-privileges, capability sets and whether / is read-only for it. */
export function processFacts(pid: number): { uid: string; noNewPrivs: string; capBnd: string; capEff: string; rootReadOnly: boolean } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => new RegExp(`^${name}:\\s+(\\S+)`, 'm').exec(status)?.[1] ?? '';
  return {
    uid: field('Uid'),
    noNewPrivs: field('NoNewPrivs'),
    capBnd: field('CapBnd'),
    capEff: field('CapEff'),
    rootReadOnly: /^\S+ \/ \S+ ro[,\s]/m.test(readFileSync(`/proc/${pid}/mounts`, 'utf8')),
  };
}

/** What `processFacts` must show for a process started by `confined` from `service` (as far as this test's uid allows). */
export function expectedFacts(service: Record<string, string[]>): ReturnType<typeof processFacts> {
  const user = service.User?.at(-1);
  const root = isRoot();
  return {
    uid: root && user ? run('id', ['-u', user]).stdout.trim() : String(process.getuid?.()),
    noNewPrivs: service.NoNewPrivileges?.at(-1) === 'yes' ? '1' : '0',
    capBnd: '0000000000000000',
    capEff: '0000000000000000',
    rootReadOnly: root && service.ProtectSystem?.at(-1) === 'strict',
  };
}
