/**
 * `npm run release [-- --dry-run]`: builds every package, lints the tarballs (check:packages), then
 *
 * - with --dry-run: shows the pending changesets and packs every published package into out/release/, publishing
 *   nothing (no registry, no git tags);
 * - without: publishes with `changeset publish` (every package whose version is not on the registry yet, then a
 *   git tag per package). Needs a clean worktree on main, `npm run version-packages` committed, and npm login.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { packAll, publishedPackages, REPO } from './published.js';

const dryRun = process.argv.includes('--dry-run');
const run = (cmd: string, args: string[]) => {
  console.log(`\n$ ${[cmd, ...args].join(' ')}`);
  execFileSync(cmd, args, { cwd: REPO, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
};
const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8' }).trim();

if (!dryRun) {
  if (git('status', '--porcelain') !== '') throw new Error('release: the worktree is not clean (commit or stash first)');
  if (git('rev-parse', '--abbrev-ref', 'HEAD') !== 'main') throw new Error('release: publish from main');
  if (git('ls-files', '.changeset/*.md', ':!:.changeset/README.md') !== '') {
    throw new Error('release: changesets are pending: run npm run version-packages, commit, then release');
  }
}

run('npm', ['run', 'build']);
run('npm', ['run', 'check:packages']);

if (dryRun) {
  try {
    run('npx', ['changeset', 'status', '--verbose']);
  } catch {
    // Informational here: off main, status fails for changed packages without a changeset.
    console.log('(changeset status failed: see above; a dry run goes on)');
  }
  const dest = join(REPO, 'out/release');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const packed = packAll(dest, publishedPackages());
  console.log(`\nwould publish (dry run: nothing published, no tags; tarballs in ${relative(REPO, dest)}/):`);
  for (const p of packed)
    console.log(`  ${p.name}@${p.version}  ${basename(p.tarball)}  ${(statSync(p.tarball).size / 1024).toFixed(1)} KiB`);
} else {
  run('npx', ['changeset', 'publish']);
  console.log('\npublished; push the tags: git push --follow-tags');
}
