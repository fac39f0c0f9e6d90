/**
 * `npm run version-packages`: `changeset version` (every @chatops package to the next version of the fixed
 * group, sibling ranges and CHANGELOG.md files updated, the changesets consumed), then the @chatops ranges of
 * every example's package.json (examples/<dir>/package.json) to the new version and package-lock.json refreshed. Commit the result, then `npm run release`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './published.js';

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: REPO, stdio: 'inherit' });

run('npx', ['changeset', 'version']);
const { version } = JSON.parse(readFileSync(join(REPO, 'packages/core/package.json'), 'utf8')) as { version: string };
for (const dir of readdirSync(join(REPO, 'examples'))) {
  const path = join(REPO, 'examples', dir, 'package.json');
  if (!existsSync(path)) continue;
  const example = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  for (const field of ['dependencies', 'devDependencies']) {
    const deps = example[field] as Record<string, string> | undefined;
    for (const name of Object.keys(deps ?? {})) if (deps && name.startsWith('@chatops/')) deps[name] = `^${version}`;
  }
  writeFileSync(path, `${JSON.stringify(example, null, 2)}\n`);
}
run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund']);
console.log(`\nevery @chatops package is now ${version}: review the CHANGELOG.md files, commit, then npm run release`);
