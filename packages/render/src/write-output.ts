import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest, StackResult } from '@chatops/stack';
import { writeArtifacts } from '@chatops/stack';

/**
 * Writes `out/<env>/<node>/<path>` and `out/<env>/manifest.json` all or nothing: everything goes to a staging
 * directory first, which then replaces the previous output with renames.
 */
export function writeOutput(outDir: string, envName: string, result: StackResult, manifest: Manifest): string {
  mkdirSync(outDir, { recursive: true });
  const target = join(outDir, envName);
  const staging = join(outDir, `.${envName}.staging-${process.pid}`);
  const old = join(outDir, `.${envName}.old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { recursive: true });
    for (const [node, artifacts] of result.bundles) writeArtifacts(artifacts, join(staging, node));
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(target)) renameSync(target, old);
    renameSync(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
  return target;
}
