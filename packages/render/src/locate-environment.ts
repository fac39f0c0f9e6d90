import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const EXTENSIONS = ['.yaml', '.yml', '.toml', '.json'];

export interface LocatedEnvironment {
  /** The environment file. */
  readonly file: string;
  /** The directory holding `environments/` (and `.pki/`). */
  readonly root: string;
}

/**
 * Finds `<root>/environments/<name>.{yaml,yml,toml,json}`. The root is `--config` (a directory; or for a file, the
 * directory above its `environments/` directory, or else the file's own directory), else what the nearest package.json declares under `"chatops": { "environments": "<dir>" }`, else the
 * current directory.
 */
export function locateEnvironment(name: string, options: { config?: string; cwd: string }): LocatedEnvironment {
  if (options.config) {
    const target = resolve(options.cwd, options.config);
    if (!existsSync(target)) throw usage(`--config ${options.config}: no such file or directory`);
    // A file in `<root>/environments/` keeps its state under `<root>/.pki/`; any other file, next to itself
    // (never in some unrelated parent directory that other environments' files share).
    if (statSync(target).isFile())
      return { file: target, root: basename(dirname(target)) === 'environments' ? dirname(dirname(target)) : dirname(target) };
    return { file: findIn(target, name), root: target };
  }
  const root = declaredRoot(options.cwd) ?? options.cwd;
  return { file: findIn(root, name), root };
}

function findIn(root: string, name: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw usage(`invalid environment name ${JSON.stringify(name)}`);
  const dirs = [join(root, 'environments'), root];
  for (const dir of dirs) for (const ext of EXTENSIONS) if (existsSync(join(dir, `${name}${ext}`))) return join(dir, `${name}${ext}`);
  throw usage(`no environment ${name} in ${join(root, 'environments')} (looked for ${EXTENSIONS.map((e) => name + e).join(', ')})`);
}

function declaredRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const declared = (JSON.parse(readFileSync(pkg, 'utf8')) as { chatops?: { environments?: string } }).chatops?.environments;
        if (declared) return resolve(dir, declared);
      } catch {
        // An unreadable package.json is not ours to judge: keep looking upwards.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export class UsageError extends Error {}

function usage(message: string): UsageError {
  return new UsageError(message);
}
