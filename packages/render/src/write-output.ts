import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest, StackResult } from '@chatops/stack';
import { writeArtifacts } from '@chatops/stack';

export interface WriteOutcome {
  readonly dir: string;
  /** False when the existing output already held exactly these bytes and modes: nothing was touched. */
  readonly changed: boolean;
}

/**
 * Writes `out/<env>/<node>/<path>` and `out/<env>/manifest.json` all or nothing: everything goes to a staging
 * directory first, which then replaces the previous output with renames. An output that is already identical is
 * left alone (same bytes, same modes, same mtimes); a file edited by hand after the render is rewritten.
 * `extraFiles` (path under `out/<env>/` → text, e.g. `report/index.html`) are written with them, mode 0644; a
 * previous run's extra file not given again is removed.
 */
export function writeOutput(
  outDir: string,
  envName: string,
  result: StackResult,
  manifest: Manifest,
  extraFiles: ReadonlyMap<string, string> = new Map(),
): WriteOutcome {
  const target = join(outDir, envName);
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  if (isUpToDate(target, result, manifestText, extraFiles)) return { dir: target, changed: false };

  mkdirSync(outDir, { recursive: true });
  const staging = join(outDir, `.${envName}.staging-${process.pid}`);
  const old = join(outDir, `.${envName}.old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { recursive: true });
    for (const [node, artifacts] of result.bundles) writeArtifacts(artifacts, join(staging, node), { atomic: false });
    writeFileSync(join(staging, 'manifest.json'), manifestText);
    for (const [path, text] of extraFiles) {
      mkdirSync(dirname(join(staging, path)), { recursive: true });
      writeFileSync(join(staging, path), text, { mode: 0o644 });
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
  return { dir: target, changed: true };
}

/**
 * Whether `target` already holds this render. An identical manifest.json already vouches for every non-secret
 * file's bytes (their SHA-256): those are only stat()ed (mode, size, and neither modified nor had their inode
 * changed after the manifest was written: ctime catches an edit whose mtime was set back); secrets, whose hashes
 * the manifest leaves out, and the extra files are read and compared.
 */
function isUpToDate(target: string, result: StackResult, manifestText: string, extraFiles: ReadonlyMap<string, string>): boolean {
  try {
    const manifestFile = join(target, 'manifest.json');
    if (readFileSync(manifestFile, 'utf8') !== manifestText) return false;
    const written = statSync(manifestFile).mtimeMs;
    for (const [path, text] of extraFiles) if (readFileSync(join(target, path), 'utf8') !== text) return false;
    let expected = 1 + extraFiles.size; // manifest.json and the extra files
    for (const [node, artifacts] of result.bundles) {
      for (const a of artifacts) {
        const path = join(target, node, a.path);
        const st = statSync(path);
        if ((st.mode & 0o777) !== Number.parseInt(a.mode, 8)) return false;
        if (a.secret) {
          if (readFileSync(path, 'utf8') !== a.content) return false;
        } else if (st.size !== Buffer.byteLength(a.content, 'utf8') || st.mtimeMs > written || st.ctimeMs > written) {
          return false;
        }
        expected++;
      }
    }
    // No stray files either.
    const files = readdirSync(target, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    return files === expected;
  } catch {
    return false;
  }
}
