import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { prepareRender, renderStack } from '@chatops/stack';
import { stablePkiText } from './stable-pki.js';

export interface RenderEnvironmentOptions {
  /** Where `{ env: NAME }` secrets are read from (their values never reach the result). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Relative file names and paths in error messages are taken from here. @default process.cwd() */
  readonly cwd?: string;
  /** Clock for certificate issuance. @default new Date() */
  readonly now?: Date;
  /**
   * What an `{ env: NAME }` secret whose variable is not set does: `'error'` (as `chatops-render`), or
   * `'stand-in'`: it renders with the value `stand-in-NAME` (secret files are redacted in the result anyway), so a
   * snapshot test needs no secrets. `{ file: path }` secrets are always read. @default 'error'
   */
  readonly missingSecrets?: 'error' | 'stand-in';
}

export interface RenderedFile {
  readonly node: string;
  /** Absolute path on the node, e.g. `/etc/haproxy/haproxy.cfg`. */
  readonly path: string;
  /** The file as rendered, with secrets redacted and PKI material replaced by stable placeholders. */
  readonly content: string;
  /** Octal mode, e.g. `0644`. */
  readonly mode: string;
}

/** What a secret file's content becomes. */
export const REDACTED = '[secret: redacted]\n';

/**
 * Renders an environment file for snapshot tests: every node's files (node order, then path), deterministic across
 * machines and runs. Certificates are issued into a throw-away directory (the repository's `.pki/` is neither read
 * nor written) and every PEM block becomes a one-line placeholder naming its subject, issuer, names, key type and
 * lifetime; a secret file's content is `[secret: redacted]` (one holding only PEM keys and certificates shows their
 * placeholders). No daemon checker runs: `chatops-render <env> --check` does that.
 */
export async function renderEnvironment(file: string, options: RenderEnvironmentOptions = {}): Promise<RenderedFile[]> {
  const cwd = options.cwd ?? process.cwd();
  const pkiDir = mkdtempSync(join(tmpdir(), 'chatops-snapshot-pki-'));
  try {
    const ctx = await prepareRender(resolve(cwd, file), {
      cwd,
      env: options.missingSecrets === 'stand-in' ? withStandIns(options.env ?? process.env) : (options.env ?? process.env),
      pkiDir,
      persistPki: false,
      ...(options.now ? { now: options.now } : {}),
    });
    const result = renderStack(ctx);
    return ctx.env.nodes.flatMap((node) =>
      [...(result.bundles.get(node.name) ?? [])]
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
        .map((a) => ({ node: node.name, path: a.path, content: a.secret ? redact(a.content) : stablePkiText(a.content), mode: a.mode })),
    );
  } finally {
    rmSync(pkiDir, { recursive: true, force: true });
  }
}

function withStandIns(env: Readonly<Record<string, string | undefined>>): Readonly<Record<string, string | undefined>> {
  return new Proxy(env, { get: (target, name) => (typeof name === 'string' ? target[name] || `stand-in-${name}` : undefined) });
}

/** A secret made only of PEM blocks (a key, a certificate bundle) keeps their placeholders: they hold no secret. */
function redact(content: string): string {
  const stable = stablePkiText(content);
  const onlyPki = stable.split('\n').every((l) => l.trim() === '' || /^\[(certificate|private key)[:\]]/.test(l.trim()));
  return onlyPki && stable.trim() !== '' ? stable : REDACTED;
}
