import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toYaml } from '@chatops/core';
import type { Dashboard } from '@chatops/grafana-provisioning';
import { renderGrafana } from '../src/grafana-renderer.js';
import { requireBinary, run, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { exampleContext, grafanaNode } from './_fixtures.js';

/** Grafana's interval variables, as Grafana substitutes them before the query reaches Prometheus. */
const substitute = (expr: string) =>
  expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '15s').replaceAll('$__range', '6h');

describe('dashboard queries against the real PromQL parser', () => {
  it('promtool (Prometheus 2.42) accepts every panel query of every dashboard', () => {
    const promtool = requireBinary('promtool');
    const ctx = exampleContext('prod');
    const dashboards = renderGrafana(grafanaNode(ctx.env), ctx)
      .filter((a) => a.path.endsWith('.json'))
      .map((a) => JSON.parse(a.content) as Dashboard);
    // Each query becomes a recording rule: `promtool check rules` parses and type-checks its expression.
    const rules = dashboards.flatMap((d) =>
      d.panels.flatMap((p) =>
        p.type === 'row'
          ? []
          : p.targets.map((t) => ({ record: `grafana:${d.uid.replaceAll('-', '_')}:${p.id}${t.refId}`, expr: substitute(t.expr) })),
      ),
    );
    expect(rules.length).toBeGreaterThan(20);
    using dir = tempDir();
    const file = join(dir.path, 'dashboard-queries.yml');
    writeFileSync(file, toYaml({ groups: [{ name: 'dashboard-queries', rules }] }));
    const result = run(promtool, ['check', 'rules', file]);
    expect(result.stderr + result.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.status).toBe(0);
  });
});
