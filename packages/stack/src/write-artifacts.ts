import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Artifact, writeFileAtomic } from '@chatops/core';

export interface WriteArtifactsOptions {
  /**
   * Write each file through a temporary file and a rename. `false` for a fresh directory nobody reads until it is
   * complete (a staging directory renamed into place as a whole): half the file system calls. @default true
   */
  readonly atomic?: boolean;
}

/**
 * Writes artifacts to disk at `root` + their absolute path (root defaults to `/`: use it with a path prefix in a
 * temp dir to materialize real files for a daemon's checker). Each file is written atomically with its mode;
 * ownership is not changed (that is deploy's job, as root on the node).
 */
export function writeArtifacts(artifacts: readonly Artifact[], root = '', options: WriteArtifactsOptions = {}): void {
  // A recursive mkdir costs about a millisecond even when the directory exists: create each one once.
  const made = new Set<string>();
  for (const a of artifacts) {
    const path = root === '' ? a.path : join(root, a.path);
    const dir = dirname(path);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const mode = Number.parseInt(a.mode, 8);
    if (options.atomic === false) {
      writeFileSync(path, a.content, { mode });
      chmodSync(path, mode); // open's mode is narrowed by the umask
    } else {
      writeFileAtomic(path, a.content, mode);
    }
  }
}
