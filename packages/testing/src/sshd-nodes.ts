import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { requireBinary } from './binaries.js';
import { freePorts } from './ports.js';
import { type RunningProcess, startProcess, waitForPort } from './processes.js';

/** The plain user deploy tests log in as when they run as root (root's shell start-up is slow and too mighty). */
export const SSH_TEST_USER = 'chatops-deploy-test';

export interface SshdNodeSpec {
  readonly name: string;
  /** Loopback address sshd listens on (127.0.0.0/8). */
  readonly address: string;
  /** The node's root prefix directory (the environment's pathPrefix for this node); created and given to the test user. */
  readonly root: string;
}

export interface SshdNodesOptions {
  /** Directory for keys, configs, logs and the stand-ins (world-traversable so the test user can read it). */
  readonly dir: string;
  readonly nodes: readonly SshdNodeSpec[];
  /**
   * Daemon executables that cannot run here (e.g. `filebeat`, `/usr/local/bin/cadvisor`): a stand-in script that
   * exits 0 is put on the test user's PATH (absolute paths: under the node's root prefix) so preflight finds them.
   * @default []
   */
  readonly standInBinaries?: readonly string[];
  /**
   * System users (and their groups) of packages that cannot be installed here (e.g. `grafana`): a `getent`
   * STAND-IN on the test user's PATH answers for them and asks the real getent about everyone else, so
   * preflight finds them without this machine gaining users. @default []
   */
  readonly standInUsers?: readonly string[];
}

/** One recorded call of the `systemctl` stand-in. */
export interface SystemctlCall {
  readonly args: readonly string[];
}

export interface SshdNode {
  readonly name: string;
  readonly address: string;
  readonly root: string;
  /** Every call the `systemctl` stand-in received, oldest first. */
  systemctlCalls(): SystemctlCall[];
  /** Forgets recorded calls. */
  clearSystemctlCalls(): void;
  /** Makes the stand-in fail (exit 1) for calls whose arguments are exactly `args` (e.g. `reload prometheus.service`). */
  failSystemctl(args: string): void;
  /** Makes the stand-in hang (write `<its pid> <parent pid>` to `hangPidFile`, sleep ≤ 60 s) for calls with exactly `args`. */
  hangSystemctl(args: string): void;
  /**
   * Runs `script` (sh, as the login user, before the call returns) whenever the stand-in is called with exactly
   * `args`: lets a test observe the world at that moment (e.g. HAProxy's view while an instance restarts).
   */
  hookSystemctl(args: string, script: string): void;
  /** Removes every fail/hang instruction and hook. */
  resetSystemctl(): void;
  readonly hangPidFile: string;
}

/** N real sshd daemons on loopback, one per node, each with its own host key, all pinned in one known_hosts. */
export interface SshdNodes extends AsyncDisposable {
  readonly user: string;
  readonly port: number;
  readonly identityFile: string;
  readonly knownHosts: string;
  readonly nodes: readonly SshdNode[];
  node(name: string): SshdNode;
  /** A known_hosts file in which `name`'s pinned key is some other key (for the wrong-host-key test). */
  knownHostsWithWrongKey(name: string): string;
  /** The environment-level `ssh:` block for these nodes. */
  sshSettings(): { user: string; port: number; identityFile: string; knownHosts: string };
  stop(): Promise<void>;
}

/**
 * Starts a real `/usr/sbin/sshd` per node on its loopback address (one shared free port above 10000). Running as
 * root, logins go to the plain user {@link SSH_TEST_USER} (created with useradd when missing); otherwise a
 * non-root sshd can log in only the current user, so that is the user. The init system cannot run here: each
 * node's PATH starts with a directory holding a `systemctl` STAND-IN that records every call and can be told to
 * fail or hang.
 */
export async function startSshdNodes(options: SshdNodesOptions): Promise<SshdNodes> {
  const sshd = requireBinary('/usr/sbin/sshd');
  requireBinary('ssh');
  requireBinary('ssh-keygen');
  const root = process.getuid?.() === 0;
  const user = root ? ensureTestUser() : userInfo().username;
  const { uid, gid } = root ? idOf(user) : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  if (root) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = options.dir;
  mkdirSync(dir, { recursive: true });
  traversable(dir);
  for (const n of options.nodes) {
    mkdirSync(n.root, { recursive: true });
    traversable(n.root);
  }
  const identityFile = join(dir, 'client_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy-test', '-f', identityFile]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${identityFile}.pub`));
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  const [port] = await freePorts(1);
  const knownHosts = join(dir, 'known_hosts');
  const processes: RunningProcess[] = [];
  const nodes: SshdNode[] = [];
  const pinned: string[] = [];
  try {
    for (const spec of options.nodes) {
      const nodeDir = join(dir, spec.name);
      const bin = join(nodeDir, 'bin');
      mkdirSync(bin, { recursive: true });
      mkdirSync(spec.root, { recursive: true });
      chmodSync(nodeDir, 0o755);
      const hostKey = join(nodeDir, 'host_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', spec.name, '-f', hostKey]);
      pinned.push(`[${spec.address}]:${port} ${readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}`);
      const log = join(nodeDir, 'systemctl.log');
      const fail = join(nodeDir, 'systemctl.fail');
      const hang = join(nodeDir, 'systemctl.hang');
      const hangPidFile = join(nodeDir, 'systemctl.hang.pid');
      writeFileSync(log, '');
      const hooks = join(nodeDir, 'systemctl.hooks');
      writeFileSync(join(bin, 'systemctl'), systemctlStandIn(log, fail, hang, hangPidFile, hooks), { mode: 0o755 });
      if ((options.standInUsers ?? []).length > 0)
        writeFileSync(join(bin, 'getent'), getentStandIn(options.standInUsers ?? []), { mode: 0o755 });
      for (const name of options.standInBinaries ?? []) {
        const file = name.startsWith('/') ? join(spec.root, name) : join(bin, name);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, `#!/bin/sh\n# STAND-IN for ${name}, which cannot run here: deploy preflight only looks it up.\nexit 0\n`, {
          mode: 0o755,
        });
      }
      if (root) {
        for (const p of [log, nodeDir]) chownSync(p, uid, gid);
        chownTree(spec.root, uid, gid);
      }
      const config = join(nodeDir, 'sshd_config');
      writeFileSync(
        config,
        [
          `ListenAddress ${spec.address}:${port}`,
          `HostKey ${hostKey}`,
          'PidFile none',
          `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          'StrictModes no',
          `AllowUsers ${user}`,
          'MaxSessions 32',
          'MaxStartups 64',
          `SetEnv PATH=${bin}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`,
          '',
        ].join('\n'),
      );
      const proc = startProcess(sshd, ['-D', '-e', '-f', config], { logFile: join(nodeDir, 'sshd.log') });
      processes.push(proc);
      nodes.push({
        name: spec.name,
        address: spec.address,
        root: spec.root,
        hangPidFile,
        systemctlCalls: () =>
          readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => ({ args: l.split(' ') })),
        clearSystemctlCalls: () => writeFileSync(log, ''),
        failSystemctl: (args) => appendFileSync(fail, `${args}\n`),
        hangSystemctl: (args) => appendFileSync(hang, `${args}\n`),
        hookSystemctl: (args, script) => {
          mkdirSync(hooks, { recursive: true, mode: 0o755 });
          writeFileSync(join(hooks, hookName(args)), script, { mode: 0o755 });
        },
        resetSystemctl: () => {
          for (const f of [fail, hang, hangPidFile, hooks]) rmSync(f, { force: true, recursive: true });
        },
      });
    }
    writeFileSync(knownHosts, `${pinned.join('\n')}\n`);
    chmodSync(knownHosts, 0o644);
    await Promise.all(options.nodes.map((n, i) => waitForPort(n.address, port!, { timeoutMs: 10_000, process: processes[i] })));
  } catch (e) {
    await Promise.all(processes.map((p) => p.stop()));
    throw e;
  }
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  return {
    user,
    port: port!,
    identityFile,
    knownHosts,
    nodes,
    node: (name) => {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no sshd node ${name}`);
      return n;
    },
    knownHostsWithWrongKey: (name) => {
      const other = join(dir, `other_key_${name}`);
      if (!existsSync(other)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'impostor', '-f', other]);
      const wrong = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
      const index = options.nodes.findIndex((n) => n.name === name);
      const file = join(dir, `known_hosts.wrong-${name}`);
      writeFileSync(file, `${pinned.map((l, i) => (i === index ? `${l.split(' ')[0]} ${wrong}` : l)).join('\n')}\n`);
      return file;
    },
    sshSettings: () => ({ user, port: port!, identityFile, knownHosts }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** A hook's file name: the call's arguments with anything but letters, digits, `.`, `@` and `-` as `_`. */
function hookName(args: string): string {
  return args.replace(/[^A-Za-z0-9.@-]/g, '_');
}

function systemctlStandIn(log: string, fail: string, hang: string, hangPid: string, hooks: string): string {
  return `#!/bin/sh
# STAND-IN for systemctl: the init system cannot run in tests. Records every call; fails, hangs or runs a hook on request.
echo "$*" >> ${shq(log)}
hook=${shq(hooks)}/$(printf '%s' "$*" | tr -c 'A-Za-z0-9.@-' '_')
if [ -f "$hook" ]; then sh "$hook" </dev/null >/dev/null 2>&1; fi
if [ -f ${shq(hang)} ] && grep -qxF -- "$*" ${shq(hang)}; then
  echo "$$ $PPID" > ${shq(hangPid)}
  exec sleep 60
fi
if [ -f ${shq(fail)} ] && grep -qxF -- "$*" ${shq(fail)}; then
  echo "stand-in systemctl: told to fail: $*" >&2
  exit 1
fi
case "$1" in is-active) echo active ;; esac
exit 0
`;
}

function getentStandIn(users: readonly string[]): string {
  const names = users.map(shq).join(' ');
  return `#!/bin/sh
# STAND-IN for getent: the users and groups of packages that cannot be installed here exist on this node only.
if [ "$1" = passwd ] || [ "$1" = group ]; then
  for n in ${names}; do
    if [ "$2" = "$n" ]; then
      if [ "$1" = passwd ]; then echo "$n:x:64000:64000:stand-in:/nonexistent:/usr/sbin/nologin"; else echo "$n:x:64000:"; fi
      exit 0
    fi
  done
fi
exec /usr/bin/getent "$@"
`;
}

/** Lets the test user reach `path` through the (0700) temp directories above it. */
function traversable(path: string): void {
  for (let p = path; p !== dirname(p) && p !== tmpdir(); p = dirname(p)) chmodSync(p, statSync(p).mode | 0o755);
}

function shq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function ensureTestUser(): string {
  if (spawnSync('id', ['-u', SSH_TEST_USER]).status !== 0) {
    execFileSync('useradd', ['--system', '--create-home', '--home-dir', `/home/${SSH_TEST_USER}`, '--shell', '/bin/sh', SSH_TEST_USER]);
  }
  // useradd leaves the password locked ('!'), and sshd without PAM refuses locked accounts even for keys: '*' means
  // "no password" without the lock.
  if (spawnSync('passwd', ['-S', SSH_TEST_USER], { encoding: 'utf8' }).stdout.split(' ')[1] === 'L')
    execFileSync('usermod', ['-p', '*', SSH_TEST_USER]);
  return SSH_TEST_USER;
}

function idOf(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function chownTree(path: string, uid: number, gid: number): void {
  execFileSync('chown', ['-R', `${uid}:${gid}`, path]);
}
