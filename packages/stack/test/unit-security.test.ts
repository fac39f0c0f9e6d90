import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type SecurityBudget, unitsOn } from '@chatops/environment';
import { RENDERERS, writeArtifacts } from '@chatops/stack';
import { exampleContext, renderAll, requireBinary, run, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

/** A unit file or drop-in under /etc/systemd/system: the unit it is, and whether it is a drop-in. */
const UNIT_PATH = /^\/etc\/systemd\/system\/([^/]+\.service)(\.d\/[^/]+\.conf)?$/;

/** Every renderer's budgets, by unit name (a template as `name@.service`). */
function budgets(): Map<string, SecurityBudget> {
  const all = new Map<string, SecurityBudget>();
  for (const r of RENDERERS) for (const [unit, b] of Object.entries(r.securityBudgets ?? {})) all.set(unit, b);
  return all;
}

/** `Overall exposure level for X.service: 1.7 OK` lines of `systemd-analyze security`, by unit. */
function parseScores(output: string): Map<string, number> {
  const scores = new Map<string, number>();
  for (const m of output.matchAll(/Overall exposure level for (\S+): (\d+(?:\.\d+)?)/g)) scores.set(m[1]!, Number(m[2]));
  return scores;
}

/** The unit systemd-analyze scores for a rendered name: a template's instance 1. */
const scoredName = (unit: string) => unit.replace(/@\.service$/, '@1.service');

describe('systemd-analyze security --offline on the rendered prod tree', () => {
  it('scores every rendered unit and drop-in, and so every unit the stack runs, at or under the budget written next to it', () => {
    const analyze = requireBinary('systemd-analyze');
    using root = tempDir('unit-security-');
    const all = budgets();
    const results: { node: string; unit: string; score: number | undefined; max: number | undefined }[] = [];
    const ctx = exampleContext('prod');
    for (const [node, artifacts] of renderAll(ctx, RENDERERS)) {
      const nodeRoot = join(root.path, node);
      writeArtifacts(artifacts, nodeRoot);
      const units = new Set<string>();
      for (const a of artifacts) {
        const m = UNIT_PATH.exec(a.path);
        if (!m) continue;
        const unit = m[1]!;
        units.add(unit);
        // A drop-in extends a unit its package ships (not installed here): an empty stand-in, so the drop-in
        // alone must earn the score. The analyzer needs nothing else in the root (no binaries, no targets).
        const own = join(nodeRoot, '/etc/systemd/system', unit);
        const base = join(nodeRoot, '/usr/lib/systemd/system', unit);
        if (m[2] && !existsSync(own) && !existsSync(base)) {
          mkdirSync(dirname(base), { recursive: true });
          writeFileSync(base, `[Unit]\nDescription=stand-in for the packaged ${unit}\n\n[Service]\nExecStart=/bin/true\n`);
        }
      }
      if (units.size === 0) continue;
      // One analyzer run per node scores all of its units.
      const r = run(analyze, ['security', '--offline=yes', `--root=${nodeRoot}`, '--no-pager', ...[...units].map(scoredName)]);
      const scores = parseScores(`${r.stdout}\n${r.stderr}`);
      for (const unit of units) results.push({ node, unit, score: scores.get(scoredName(unit)), max: all.get(unit)?.max });
    }
    // Finding nothing to score would pass vacuously: every kind of unit the stack renders must be there.
    expect(results.length).toBeGreaterThan(0);
    const units = new Set(results.map((r) => r.unit));
    expect([...units].sort()).toEqual([...all.keys()].sort());
    // Every long-running unit of a node (what the systemd alert watches) is ours or a package's unit our drop-in
    // confines: none runs with its package's defaults unscored.
    const unscored = ctx.env.nodes.flatMap((n) =>
      unitsOn(ctx.env, n)
        .map((u) => u.replace(/@[^.]+\.service$/, '@.service'))
        .filter((u) => !results.some((r) => r.node === n.name && r.unit === u))
        .map((u) => `${u} on ${n.name}`),
    );
    expect(unscored).toEqual([]);
    const problems = results.filter((r) => r.score === undefined || r.max === undefined || r.score > r.max);
    expect(problems).toEqual([]);
  });

  it("holds every budget to its kind's ceiling unless it says why", () => {
    for (const [unit, b] of budgets()) {
      const ceiling = /exporter|-tls\.service$/.test(unit) ? 2.5 : /^cadvisor\.service$/.test(unit) ? 6.0 : 4.0;
      expect({ unit, ok: b.max <= ceiling || Boolean(b.why) }).toEqual({ unit, ok: true });
    }
  });
});
