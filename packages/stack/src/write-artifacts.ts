import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Artifact, writeFileAtomic } from '@chatops/core';

/**
 * Writes artifacts to disk at `root` + their absolute path (root defaults to `/`: use it with a path prefix in a
 * temp dir to materialize real files for a daemon's checker). Each file is written atomically with its mode;
 * ownership is not changed (that is deploy's job, as root on the node).
 */
export function writeArtifacts(artifacts: readonly Artifact[], root = ''): void {
  // A recursive mkdir costs about a millisecond even when the directory exists: create each one once.
  const made = new Set<string>();
  for (const a of artifacts) {
    const path = root === '' ? a.path : join(root, a.path);
    const dir = dirname(path);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileAtomic(path, a.content, Number.parseInt(a.mode, 8));
  }
}
