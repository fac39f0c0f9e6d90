import { chmodSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Writes a file all at once: into a temporary file beside it, then renamed over it, so a reader (or a crash)
 * never sees half a file. `mode` is set explicitly after the write because the umask narrows the one given to
 * `open`. The one implementation for PKI state, rendered files and caches.
 */
export function writeFileAtomic(path: string, content: string, mode?: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, mode === undefined ? undefined : { mode });
  if (mode !== undefined) chmodSync(tmp, mode);
  renameSync(tmp, path);
}
