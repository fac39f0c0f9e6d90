/**
 * Benchmark: the render CLI on generated 10-, 100- and 1,000-node environments (`writeScaledEnvironment`: the
 * example prod grown with ChatOps nodes), first render (certificate issuance, checkers run) and re-render with
 * nothing changed: replayed from the first render's record, and with `--full` (certificates reused, checker
 * verdicts cached, output unchanged); whole-process wall times, medians, with ratios against `node -e 0` measured
 * in the same run.
 * Needs the built CLI (`npm run build`).
 *
 *   npm run bench -- scale                  (sizes: SCALE_SIZES=10,100,1000; re-render runs: SCALE_RUNS=5)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleConfigCopy, writeScaledEnvironment } from '@chatops/testing';
import { median, timedChildren } from './_measure.js';

const REPO = join(import.meta.dirname, '../..');
const CLI = join(REPO, 'packages/render/dist/cli.js');
const SIZES = (process.env.SCALE_SIZES ?? '10,100,1000').split(',').map(Number);
const RUNS = Number(process.env.SCALE_RUNS ?? 5);

const scratch = mkdtempSync(join(tmpdir(), 'chatops-bench-scale-'));
try {
  const config = exampleConfigCopy(scratch);
  // The working directory has a node_modules/: the checker cache lives under it, as in a user's repository.
  const cwd = join(scratch, 'work');
  mkdirSync(join(cwd, 'node_modules'), { recursive: true });
  const render = (env: string, ...extra: string[]) => {
    const r = spawnSync(process.execPath, [CLI, env, '--config', config, '--out', join(scratch, 'out'), ...extra], {
      cwd,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`render ${env} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  };
  const nodeE0 = () => Array.from({ length: RUNS }, () => timedChildren(() => spawnSync(process.execPath, ['-e', '0'])));
  type Times = { wall: number; cpu: number };
  const med = (runs: Times[]): Times => ({ wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) });

  const rows: { name: string; first: Times; again: Times; full: Times; base: Times }[] = [];
  const measure = (name: string, env: string) => {
    const first = timedChildren(() => render(env));
    // Replayed: nothing the first render read has changed. `--full` renders and checks everything again.
    const againRuns = Array.from({ length: RUNS }, () => timedChildren(() => render(env)));
    const fullRuns = Array.from({ length: RUNS }, () => timedChildren(() => render(env, '--full')));
    for (const extra of [[], ['--full']]) {
      const stdout = render(env, ...extra);
      if (!/certificates: all reused/.test(stdout) || !/unchanged:/.test(stdout))
        throw new Error(`re-render ${extra.join(' ')} of ${env} was not a no-change run:\n${stdout}`);
    }
    rows.push({ name, first, again: med(againRuns), full: med(fullRuns), base: med(nodeE0()) });
  };
  measure('example prod (8 nodes)', 'prod');
  for (const n of SIZES) {
    writeScaledEnvironment(config, n);
    measure(`${n} nodes`, `scale-${n}`);
  }

  const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
  const pair = (t: Times) => `${s(t.wall)} / ${s(t.cpu)}`.padStart(17);
  console.log(
    `render CLI, whole process, wall / CPU (user+sys); re-renders with nothing changed (replayed, and --full) and node -e 0: medians of ${RUNS} runs, node -e 0 measured right after each case:`,
  );
  console.log(
    `  ${'case'.padEnd(24)} ${'first render'.padStart(17)} ${'re-render'.padStart(17)} ${'--full'.padStart(17)} ${'node -e 0'.padStart(17)}  re-render / node -e 0 (wall, CPU)  --full / node -e 0`,
  );
  const ratio = (a: Times, b: Times) => `${(a.wall / b.wall).toFixed(1)}x, ${(a.cpu / b.cpu).toFixed(1)}x`;
  for (const r of rows) {
    console.log(
      `  ${r.name.padEnd(24)} ${pair(r.first)} ${pair(r.again)} ${pair(r.full)} ${pair(r.base)}  ${ratio(r.again, r.base).padEnd(31)}  ${ratio(r.full, r.base)}`,
    );
  }
  const at = (n: number) => rows.find((r) => r.name === `${n} nodes`);
  const [r100, r1000] = [at(100), at(1000)];
  if (r100 && r1000) {
    console.log(
      `  1,000 / 100 nodes, re-render: ${(r1000.again.wall / r100.again.wall).toFixed(1)}x wall, ${(r1000.again.cpu / r100.again.cpu).toFixed(1)}x CPU; --full: ${(r1000.full.wall / r100.full.wall).toFixed(1)}x wall, ${(r1000.full.cpu / r100.full.cpu).toFixed(1)}x CPU; first render: ${(r1000.first.wall / r100.first.wall).toFixed(1)}x wall`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
