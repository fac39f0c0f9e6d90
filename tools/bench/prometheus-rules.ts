/**
 * Benchmark: checking PromQL in-process (`checkPromql`, lezer + our type checker) against asking promtool
 * (`promtool check rules` on a one-rule file per expression), and rendering + checking the prod rule file in-process
 * against `promtool check rules` on it.
 *
 *   npm run bench -- prometheus-rules      (or: npx tsx --conditions=@chatops/source tools/bench/prometheus-rules.ts)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironment } from '@chatops/environment';
import { checkPromql } from '@chatops/prometheus-common';
import { defaultAlertRules, printRuleFile } from '@chatops/prometheus-rules';
import { median, timed } from './_measure.js';

const REPO = join(import.meta.dirname, '../..');

const { environment: env } = loadEnvironment(join(REPO, 'examples/cloud-chatops/environments/prod.yaml'), { resolveSecrets: false });
const rules = defaultAlertRules(env);
const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));

const scratch = mkdtempSync(join(tmpdir(), 'prom-bench-'));
try {
  // In-process: every default expression, many rounds.
  const rounds = 200;
  const inProcess =
    median(
      Array.from({ length: 5 }, () =>
        timed(() => {
          for (let i = 0; i < rounds; i++) for (const e of exprs) if (checkPromql(e).length > 0) throw new Error(`invalid: ${e}`);
        }),
      ),
    ) /
    (rounds * exprs.length);

  // promtool: one process per expression (what a check without an in-process parser costs).
  const promtoolTimes = exprs.map((e, i) => {
    const file = join(scratch, `r${i}.yml`);
    writeFileSync(file, `groups:\n  - name: g\n    rules:\n      - record: r\n        expr: ${JSON.stringify(e)}\n`);
    return timed(() => {
      const r = spawnSync('promtool', ['check', 'rules', file]);
      if (r.status !== 0) throw new Error(`promtool rejected ${e}`);
    });
  });
  const promtool = median(promtoolTimes);

  // Whole prod rule file: render + every check in-process, vs promtool check rules on the result.
  const renderMs = median(Array.from({ length: 20 }, () => timed(() => printRuleFile(defaultAlertRules(env)))));
  const file = join(scratch, 'chatops.rules.yml');
  writeFileSync(file, printRuleFile(rules));
  const promtoolFile = median(Array.from({ length: 5 }, () => timed(() => spawnSync('promtool', ['check', 'rules', file]))));

  const chars = exprs.reduce((n, e) => n + e.length, 0);
  console.log(`prod default rules: ${exprs.length} expressions, ${chars} characters of PromQL`);
  console.log(`checkPromql in-process:       ${(inProcess * 1000).toFixed(1)} µs per expression (median of 5 x ${rounds} rounds)`);
  console.log(`promtool check rules (1 expr): ${promtool.toFixed(1)} ms per expression (median of ${exprs.length})`);
  console.log(`ratio promtool / in-process:   ${(promtool / inProcess).toFixed(0)}x`);
  console.log(
    `render + check prod rule file in-process: ${renderMs.toFixed(2)} ms; promtool check rules on it: ${promtoolFile.toFixed(1)} ms (${(promtoolFile / renderMs).toFixed(1)}x)`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
