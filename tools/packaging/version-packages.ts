/**
 * `npm run version-packages`: `changeset version` (every @chatops package to the next version of the fixed
 * group, sibling ranges and CHANGELOG.md files updated, the changesets consumed), then examples/library-use's
 * @chatops ranges to the new version and package-lock.json refreshed. Commit the result, then `npm run release`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './published.js';

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: REPO, stdio: 'inherit' });

run('npx', ['changeset', 'version']);
const { version } = JSON.parse(readFileSync(join(REPO, 'packages/core/package.json'), 'utf8')) as { version: string };
const examplePath = join(REPO, 'examples/library-use/package.json');
const example = JSON.parse(readFileSync(examplePath, 'utf8')) as { dependencies: Record<string, string> };
for (const name of Object.keys(example.dependencies)) if (name.startsWith('@chatops/')) example.dependencies[name] = `^${version}`;
writeFileSync(examplePath, `${JSON.stringify(example, null, 2)}\n`);
run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund']);
console.log(`\nevery @chatops package is now ${version}: review the CHANGELOG.md files, commit, then npm run release`);
