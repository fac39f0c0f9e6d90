import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A daemon started for a test; `await using` stops it (by its own pid) however the test ends. */
export interface RunningProcess extends AsyncDisposable {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr interleaved). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Also append output to this file. */
  readonly logFile?: string;
}

export function startProcess(command: string, args: readonly string[], options: StartOptions = {}): RunningProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  let out = '';
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const collect = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    // Output can still arrive after stop() closed the log (a child's last words after SIGTERM).
    if (log && !log.writableEnded) log.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async () => {
    if (!exited) {
      process.kill(pid, 'SIGTERM');
      const timedOut = await Promise.race([exit.then(() => false), sleep(5_000).then(() => true)]);
      if (timedOut && !exited) {
        process.kill(pid, 'SIGKILL');
        await exit;
      }
    }
    log?.end();
  };
  return { pid, child, output: () => out, stop, [Symbol.asyncDispose]: stop };
}

/** Waits until a TCP port accepts connections, failing after `timeoutMs` with the process output if given. */
export async function waitForPort(
  host: string,
  port: number,
  options: { timeoutMs?: number; process?: RunningProcess } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    if (options.process && options.process.child.exitCode !== null) {
      throw new Error(`process exited (${options.process.child.exitCode}) before ${host}:${port} opened:\n${options.process.output()}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(Math.min(50 * (attempt + 1), 250));
  }
  throw new Error(`${host}:${port} did not open in time${options.process ? `:\n${options.process.output()}` : ''}`);
}

/** Polls `probe` until it returns a value (not undefined), bounded by `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    await sleep(options.intervalMs ?? 250);
  }
  throw new Error(`timed out waiting for ${options.what ?? 'condition'}${lastError ? `: ${String(lastError)}` : ''}`);
}
