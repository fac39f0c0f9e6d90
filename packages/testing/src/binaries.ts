import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Absolute path of a required executable. Tests that need a daemon's checker call this: a missing binary is a
 * test failure (never a skip), with the install line that fixes it.
 */
export function requireBinary(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${JSON.stringify(name)}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(
      `${name} is not installed; it is needed by this test. Install the validators with: ` +
        'apt-get install -y --no-install-recommends haproxy prometheus prometheus-alertmanager openssh-server openssl systemd stunnel4 (as .ci/run does)',
    );
  }
  return path;
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (bounded by `timeoutMs`) and returns its exit status and output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; input?: string } = {},
): RunResult {
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    input: options.input,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command and throws with its output when it exits non-zero. */
export function runOk(command: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): string {
  try {
    return execFileSync(command, args, { cwd: options.cwd, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; status?: number };
    throw new Error(`${command} ${args.join(' ')} exited ${err.status}:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}
