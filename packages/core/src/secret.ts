import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { type Artifact, artifact } from './artifact.js';
import { portablePath } from './types.js';

/**
 * Where a secret value comes from. Environment files never hold secret values themselves:
 * - `env`: an environment variable read at render time;
 * - `file`: a local file read at render time (relative to the environment file);
 * - `onNode`: a file already provisioned on the node (by a vault agent, say); nothing is rendered for it.
 */
export const secretRef = z.union(
  [
    z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name' }) }),
    z.strictObject({ file: z.string().min(1) }),
    z.strictObject({ onNode: portablePath }),
  ],
  { error: 'expected a secret reference: exactly one of { env: NAME }, { file: path } or { onNode: /abs/path }' },
);
export type SecretRef = z.infer<typeof secretRef>;

export const REDACTED = '[redacted]';

/** Secret values resolved at load time, kept out of every printable representation. */
export class SecretStore {
  readonly #values = new Map<string, string>();

  static key(ref: SecretRef, baseDir = '.'): string {
    if ('env' in ref) return `env:${ref.env}`;
    if ('file' in ref) return `file:${isAbsolute(ref.file) ? ref.file : resolve(baseDir, ref.file)}`;
    return `onNode:${ref.onNode}`;
  }

  constructor(private readonly baseDir = '.') {}

  set(ref: SecretRef, value: string): void {
    this.#values.set(SecretStore.key(ref, this.baseDir), value);
  }

  /** The secret's value; throws for `onNode` secrets, whose value is never seen by the renderer. */
  reveal(ref: SecretRef): string {
    if ('onNode' in ref) throw new Error(`secret on node ${ref.onNode} has no value at render time`);
    const value = this.#values.get(SecretStore.key(ref, this.baseDir));
    if (value === undefined) throw new Error(`secret ${describeSecret(ref)} was not resolved`);
    return value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SecretStore(${this.#values.size} ${REDACTED})`;
  }
}

/** Human description of where a secret comes from; never its value. */
export function describeSecret(ref: SecretRef): string {
  if ('env' in ref) return `$${ref.env}`;
  if ('file' in ref) return `file ${ref.file}`;
  return `node file ${ref.onNode}`;
}

export interface SecretResolveOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly baseDir?: string;
  readonly readFile?: (path: string) => string;
}

/**
 * Reads one secret's value (env var or local file). Trailing newlines of files are dropped, since daemons
 * that read `*_file` indirections usually trim them too and a value must not change with an editor's habits.
 */
export function readSecret(ref: SecretRef, options: SecretResolveOptions): string | undefined {
  if ('onNode' in ref) return undefined;
  if ('env' in ref) {
    const value = (options.env ?? process.env)[ref.env];
    if (value === undefined || value === '') throw new Error(`environment variable ${ref.env} is not set`);
    return value;
  }
  const path = isAbsolute(ref.file) ? ref.file : resolve(options.baseDir ?? '.', ref.file);
  if (!options.readFile) throw new Error(`cannot read secret file ${path}: no reader given`);
  try {
    return options.readFile(path).replace(/\r?\n$/, '');
  } catch (e) {
    throw new Error(`cannot read secret file ${ref.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export interface PlaceSecretProps {
  /** Where the secret file goes on the node when the value is rendered. */
  readonly path: string;
  readonly service: string;
  /** @default 'root' */
  readonly owner?: string;
  /** @default 'root' */
  readonly group?: string;
  /** @default '0600' */
  readonly mode?: string;
  /** @default 'restart' */
  readonly action?: Artifact['action'];
}

/**
 * Puts a secret where a daemon's `*_file` indirection can read it. Returns the node path to reference, and the
 * artifact to write (none for `onNode` secrets, which are already there).
 */
export function placeSecret(ref: SecretRef, store: SecretStore, props: PlaceSecretProps): { path: string; artifacts: Artifact[] } {
  if ('onNode' in ref) return { path: ref.onNode, artifacts: [] };
  return {
    path: props.path,
    artifacts: [
      artifact({
        path: props.path,
        content: `${store.reveal(ref)}\n`,
        mode: props.mode ?? '0600',
        owner: props.owner ?? 'root',
        group: props.group ?? 'root',
        secret: true,
        service: props.service,
        action: props.action ?? 'restart',
      }),
    ],
  };
}
