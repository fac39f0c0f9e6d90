import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { type Artifact, writeFileAtomic } from '@chatops/core';
import type { NodeCheck } from '@chatops/stack';
import { renderCacheDir } from './cache-dir.js';

/**
 * Remembers which native checks passed on exactly which inputs, so an unchanged render does not run the daemons'
 * checkers again. A key covers the checker binary (path, size, mtime), the check's arguments and every byte and
 * mode of the node's rendered files; only passes are remembered.
 */
export class CheckCache {
  readonly #passed: Set<string>;

  private constructor(
    readonly file: string | undefined,
    passed: readonly string[],
  ) {
    this.#passed = new Set(passed);
  }

  /** The cache under the nearest `node_modules/.cache/chatops-render/` from `cwd` (none when there is none). */
  static open(cwd: string): CheckCache {
    const dir = renderCacheDir(cwd);
    if (!dir) return new CheckCache(undefined, []);
    const file = join(dir, 'checks.json');
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { passed?: unknown };
      return new CheckCache(file, Array.isArray(data.passed) ? data.passed.filter((k): k is string => typeof k === 'string') : []);
    } catch {
      return new CheckCache(file, []);
    }
  }

  static key(check: NodeCheck, artifacts: readonly Artifact[]): string | undefined {
    const binary = locate(check.command);
    if (!binary) return undefined;
    const st = statSync(binary);
    const h = createHash('sha256');
    h.update(JSON.stringify([binary, st.size, st.mtimeMs, check.name, check.command, check.args]));
    for (const a of artifacts) h.update(JSON.stringify([a.path, a.mode])).update(a.content);
    return h.digest('hex');
  }

  has(key: string | undefined): boolean {
    return key !== undefined && this.#passed.has(key);
  }

  /** Records passes and saves (newest last, bounded so the file stays small). */
  save(keys: readonly string[]): void {
    if (!this.file || keys.length === 0) return;
    const all = [...this.#passed, ...keys].filter((k, i, list) => list.lastIndexOf(k) === i).slice(-500);
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, `${JSON.stringify({ passed: all })}\n`);
  }
}

function locate(command: string): string | undefined {
  if (isAbsolute(command)) return existsSync(command) ? command : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}
