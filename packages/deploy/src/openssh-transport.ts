import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshTarget } from './ssh-target.js';
import { HostKeyError, type RemoteResult, type Transport, TransportError } from './transport.js';

export interface OpenSshTransportProps {
  readonly targets: readonly SshTarget[];
  /** How long the shared master connection outlives the last command (ControlPersist). @default '60s' */
  readonly controlPersist?: string;
  /** Connect timeout in seconds. @default 10 */
  readonly connectTimeout?: number;
  /** Upper bound for one round trip. @default 300_000 */
  readonly timeoutMs?: number;
}

/**
 * The system OpenSSH client, one multiplexed master connection per node: the first command pays the handshake,
 * the rest reuse it. ControlPath (`%C`, a hash of the connection) lives in a private 0700 directory of this run.
 * BatchMode never prompts; StrictHostKeyChecking=yes with the pinned known_hosts refuses unknown or changed keys.
 */
export class OpenSshTransport implements Transport {
  readonly #targets: Map<string, SshTarget>;
  readonly #controlDir: string;
  readonly #counts = new Map<string, Record<string, number>>();
  readonly #props: OpenSshTransportProps;
  #label = 'run';

  constructor(props: OpenSshTransportProps) {
    this.#props = props;
    this.#targets = new Map(props.targets.map((t) => [t.node, t]));
    // Short path: a unix socket path must stay under ~100 bytes.
    this.#controlDir = mkdtempSync(join(tmpdir(), 'cd-ssh-'));
  }

  /** Labels the following round trips (for the per-phase counts). */
  label(label: string): this {
    this.#label = label;
    return this;
  }

  args(target: SshTarget): string[] {
    const args = [
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${target.knownHosts}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'ControlMaster=auto',
      '-o',
      `ControlPersist=${this.#props.controlPersist ?? '60s'}`,
      '-o',
      `ControlPath=${join(this.#controlDir, '%C')}`,
      '-o',
      `ConnectTimeout=${this.#props.connectTimeout ?? 10}`,
      '-o',
      'ServerAliveInterval=5',
      '-o',
      'ServerAliveCountMax=3',
      '-o',
      'LogLevel=ERROR',
      '-p',
      String(target.port),
      '-l',
      target.user,
    ];
    if (target.identityFile) args.push('-i', target.identityFile, '-o', 'IdentitiesOnly=yes');
    if (target.jumpHost) args.push('-J', target.jumpHost);
    return args;
  }

  run(node: string, script: string, label = this.#label): Promise<RemoteResult> {
    const target = this.#targets.get(node);
    if (!target) return Promise.reject(new TransportError(node, 'no SSH target for this node'));
    const counts = this.#counts.get(node) ?? {};
    counts[label] = (counts[label] ?? 0) + 1;
    this.#counts.set(node, counts);
    return new Promise((resolve, reject) => {
      const child = spawn('ssh', [...this.args(target), target.host, 'bash -s'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      const timer = setTimeout(() => child.kill('SIGTERM'), this.#props.timeoutMs ?? 300_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new TransportError(node, `cannot run ssh: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        if (
          /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No (ED25519|RSA|ECDSA)? ?host key is known/i.test(stderr)
        ) {
          reject(
            new HostKeyError(
              node,
              `host key of ${target.host}:${target.port} does not match the pinned key in ${target.knownHosts}; refusing to connect (if the node was really reinstalled, replace its line after checking the new key's fingerprint out of band)`,
            ),
          );
        } else if (code === 255 || signal) {
          reject(
            new TransportError(
              node,
              `ssh to ${target.user}@${target.host}:${target.port} failed${signal ? ` (${signal})` : ''}: ${stderr.trim().split('\n').slice(-3).join(' ') || 'connection lost'}`,
            ),
          );
        } else {
          resolve({ code: code ?? -1, stdout, stderr });
        }
      });
      child.stdin.on('error', () => {});
      child.stdin.end(script);
    });
  }

  roundTrips(node: string): Readonly<Record<string, number>> {
    return { ...(this.#counts.get(node) ?? {}) };
  }

  /** Stops every master connection and removes the control directory. */
  async close(): Promise<void> {
    for (const target of this.#targets.values()) {
      if (!this.#counts.has(target.node)) continue; // never connected: no master to stop
      spawnSync('ssh', [...this.args(target), '-O', 'exit', target.host], { stdio: 'ignore', timeout: 5_000 });
    }
    rmSync(this.#controlDir, { recursive: true, force: true });
  }
}
