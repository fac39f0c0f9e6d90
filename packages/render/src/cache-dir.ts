import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Where chatops-render keeps what only saves time (checker verdicts, render records): `node_modules/.cache/
 * chatops-render/` in the nearest directory above `cwd` that has a `node_modules`, or undefined when none has.
 * Imports nothing but Node's own modules: the replay reads it before any renderer is loaded.
 */
export function renderCacheDir(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'chatops-render');
    if (dirname(dir) === dir) return undefined;
  }
}
