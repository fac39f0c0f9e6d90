import { createHash } from 'node:crypto';
import { posix } from 'node:path';

/** What a changed artifact asks of the service that reads it. */
export type ServiceAction = 'none' | 'reload' | 'restart';

/** One file to place on a node. Renderers return these; only the CLI and deploy touch disks. */
export interface Artifact {
  /** Absolute path on the node (already re-rooted under the environment's path prefix). */
  readonly path: string;
  /** Exact file content; text files end with a newline. */
  readonly content: string;
  /** Octal file mode, e.g. `0644`, `0600`. */
  readonly mode: string;
  /** @default 'root' */
  readonly owner?: string;
  /** @default 'root' */
  readonly group?: string;
  /** True when the content holds a secret value: never printed, hashed or diffed in plain sight. */
  readonly secret: boolean;
  /** The systemd unit (or logical service) that reads this file. */
  readonly service: string;
  /** What a change to this file requires of `service`. @default 'reload' */
  readonly action?: ServiceAction;
  /**
   * A bootstrap file: written only when absent on the node, never diffed or overwritten afterwards, because
   * something on the node owns it from then on (e.g. certbot's deploy hook replaces the bootstrap certificate).
   * @default false
   */
  readonly createOnly?: boolean;
}

/** Everything rendered for one node. */
export interface Bundle {
  readonly node: string;
  readonly artifacts: readonly Artifact[];
}

export interface ArtifactProps {
  readonly path: string;
  readonly content: string;
  readonly service: string;
  /** @default '0644' (or '0600' when `secret`) */
  readonly mode?: string;
  /** @default 'root' */
  readonly owner?: string;
  /** @default 'root' */
  readonly group?: string;
  /** @default false */
  readonly secret?: boolean;
  /** @default 'reload' */
  readonly action?: ServiceAction;
  /** Write only when absent on the node (see `Artifact.createOnly`). @default false */
  readonly createOnly?: boolean;
}

const MODE = /^0[0-7]{3}$/;

/** Builds an artifact with safe defaults and checks its invariants (absolute normalized path, octal mode, final newline). */
export function artifact(props: ArtifactProps): Artifact {
  const secret = props.secret ?? false;
  const mode = props.mode ?? (secret ? '0600' : '0644');
  if (!posix.isAbsolute(props.path) || posix.normalize(props.path) !== props.path) {
    throw new Error(`artifact path must be absolute and normalized: ${props.path}`);
  }
  if (!MODE.test(mode)) throw new Error(`artifact ${props.path}: mode must be 4 octal digits like 0644, got ${mode}`);
  if (secret && (Number.parseInt(mode, 8) & 0o007) !== 0) {
    throw new Error(`artifact ${props.path}: a secret must not be world-readable (mode ${mode})`);
  }
  if (props.content.length > 0 && !props.content.endsWith('\n')) {
    throw new Error(`artifact ${props.path}: content must end with a newline`);
  }
  return {
    path: props.path,
    content: props.content,
    mode,
    owner: props.owner ?? 'root',
    group: props.group ?? 'root',
    secret,
    service: props.service,
    action: props.action ?? 'reload',
    ...(props.createOnly ? { createOnly: true } : {}),
  };
}

/** Hex SHA-256 of an artifact's content. */
export function contentHash(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** Joins an absolute node path under a prefix (`/srv/t1` + `/etc/x` -> `/srv/t1/etc/x`). */
export function reroot(prefix: string, path: string): string {
  if (!posix.isAbsolute(path)) throw new Error(`path must be absolute: ${path}`);
  if (prefix === '' || prefix === '/') return posix.normalize(path);
  return posix.normalize(posix.join(prefix, path));
}

/** Sorts artifacts by path and rejects two artifacts claiming the same path with different content. */
export function mergeArtifacts(artifacts: readonly Artifact[]): Artifact[] {
  const byPath = new Map<string, Artifact>();
  for (const a of artifacts) {
    const seen = byPath.get(a.path);
    if (seen && (seen.content !== a.content || seen.mode !== a.mode || seen.owner !== a.owner)) {
      throw new Error(`two renderers produce different content for ${a.path} (${seen.service} and ${a.service})`);
    }
    if (!seen) byPath.set(a.path, a);
  }
  return [...byPath.values()].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
