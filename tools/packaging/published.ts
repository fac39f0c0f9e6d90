/** The published packages (every packages/* but the private ones) and `npm pack` of them into a directory. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '../..');

export interface Published {
  /** `@chatops/core` */
  name: string;
  /** `packages/core` */
  dir: string;
  version: string;
  /** Direct `@chatops/*` dependencies. */
  siblings: string[];
  /** Every JavaScript entry point: `@chatops/render`, `@chatops/render/testing` (not package.json, not schemas). */
  entries: string[];
}

export interface Packed extends Published {
  /** Absolute path of the tarball. */
  tarball: string;
}

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  exports?: Record<string, unknown>;
}

export function publishedPackages(): Published[] {
  return readdirSync(join(REPO, 'packages'))
    .filter((d) => existsSync(join(REPO, 'packages', d, 'package.json')))
    .map((d) => ({ dir: `packages/${d}`, pkg: JSON.parse(readFileSync(join(REPO, 'packages', d, 'package.json'), 'utf8')) as Manifest }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => ({
      name: pkg.name,
      dir,
      version: pkg.version,
      siblings: Object.keys(pkg.dependencies ?? {}).filter((n) => n.startsWith('@chatops/')),
      entries: Object.keys(pkg.exports ?? { '.': '' })
        .filter((sub) => !sub.endsWith('.json'))
        .map((sub) => (sub === '.' ? pkg.name : `${pkg.name}/${sub.replace(/^\.\//, '')}`)),
    }));
}

/**
 * `npm pack` every published package into `dest` (one npm run; lifecycle scripts skipped: build first). Fails
 * when a package has no dist/.
 */
export function packAll(dest: string, packages = publishedPackages()): Packed[] {
  for (const p of packages) {
    if (!existsSync(join(REPO, p.dir, 'dist'))) throw new Error(`${p.dir}/dist is missing: run npm run build first`);
  }
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', dest, ...packages.flatMap((p) => ['-w', p.dir])];
  const out = JSON.parse(execFileSync('npm', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as {
    name: string;
    filename: string;
  }[];
  const files = new Map(out.map((o) => [o.name, join(dest, o.filename)]));
  return packages.map((p) => {
    const tarball = files.get(p.name);
    if (!tarball || !existsSync(tarball)) throw new Error(`npm pack did not write a tarball for ${p.name}`);
    return { ...p, tarball };
  });
}

/** A package and every `@chatops` package it depends on, directly or not (what installing it alone needs). */
export function closure<T extends Published>(name: string, all: T[]): T[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    const p = byName.get(n);
    if (!p) throw new Error(`${n} is not a published package`);
    seen.add(n);
    for (const s of p.siblings) visit(s);
  };
  visit(name);
  return all.filter((p) => seen.has(p.name));
}
