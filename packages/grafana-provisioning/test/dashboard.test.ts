import fc from 'fast-check';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import {
  type Dashboard,
  type PanelProps,
  buildDashboard,
  checkDashboard,
  dashboardSchema,
  validateDashboard,
} from '@chatops/grafana-provisioning';
import { GRID_COLUMNS, SCHEMA_VERSION } from '../src/dashboard.js';
import { renderGrafana } from '../src/grafana-renderer.js';
import { chatopsInstances } from '@chatops/environment';
import { parser } from '@prometheus-io/lezer-promql';
import { catchError, exampleContext, grafanaNode } from './_fixtures.js';

const datasource = { type: 'prometheus' as const, uid: 'prom' };

function rendered(name: 'prod' | 'dev') {
  const ctx = exampleContext(name);
  const artifacts = renderGrafana(grafanaNode(ctx.env), ctx);
  const dsFile = artifacts.find((a) => a.path.endsWith('/provisioning/datasources/chatops.yaml'));
  const uids = (load(dsFile?.content ?? '') as { datasources: { uid: string }[] }).datasources.map((d) => d.uid);
  const dashboards = artifacts
    .filter((a) => a.path.endsWith('.json'))
    .map((a) => ({ path: a.path, json: JSON.parse(a.content) as unknown }));
  return { ctx, uids, dashboards };
}

describe('rendered dashboards are valid dashboard JSON', () => {
  for (const name of ['prod', 'dev'] as const) {
    it(`${name}: schema version, unique ids, resolving datasources, sane grid, PromQL`, () => {
      const { uids, dashboards } = rendered(name);
      expect(dashboards.map((d) => d.path.split('/').pop())).toEqual([
        'chatops-containers.json',
        'chatops-haproxy.json',
        'chatops-services.json',
        'chatops-alerts.json',
      ]);
      const dashboardUids = new Set<string>();
      for (const { path, json } of dashboards) {
        const d = dashboardSchema.parse(json);
        expect(d.schemaVersion, path).toBe(SCHEMA_VERSION);
        expect(dashboardUids.has(d.uid), path).toBe(false);
        dashboardUids.add(d.uid);
        const ids = d.panels.map((p) => p.id);
        expect(new Set(ids).size, path).toBe(ids.length);
        for (const p of d.panels) {
          expect(p.gridPos.x + p.gridPos.w, `${path} panel ${p.id}`).toBeLessThanOrEqual(GRID_COLUMNS);
          if (p.type === 'row') continue;
          expect(uids).toContain(p.datasource.uid);
          for (const t of p.targets) {
            expect(uids).toContain(t.datasource.uid);
            // Independently of checkDashboard: Prometheus' grammar accepts the query once Grafana's
            // interval variables are substituted.
            const tree = parser.parse(t.expr.replaceAll('$__rate_interval', '5m'));
            let error = false;
            tree.iterate({ enter: (n) => void (n.type.isError && (error = true)) });
            expect(error, `${path}: ${t.expr}`).toBe(false);
          }
        }
        expect(checkDashboard(d, { datasourceUids: uids }), path).toEqual([]);
      }
    });
  }

  it('watches exactly the containers the app units start', () => {
    const { ctx, dashboards } = rendered('prod');
    const containers = dashboards.find((d) => d.path.endsWith('chatops-containers.json'))?.json as Dashboard;
    const names = [...new Set(chatopsInstances(ctx.env).map((i) => i.containerName))].join('|');
    for (const p of containers.panels) {
      if (p.type === 'row') continue;
      for (const t of p.targets) expect(t.expr).toContain(`name=~"${names}"`);
    }
  });

  it('lists every node of the environment on the service-status dashboard', () => {
    const { ctx, dashboards } = rendered('prod');
    const services = dashboards.find((d) => d.path.endsWith('chatops-services.json'))?.json as Dashboard;
    const rows = services.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['All nodes', ...ctx.env.nodes.map((n) => `${n.name} (${n.roles.join(', ')})`)]);
    const units = (node: string) =>
      (services.panels.find((p) => p.title === `Units on ${node}`) as { description?: string } | undefined)?.description;
    expect(units('lb-1')).toBe('4 units: prometheus-node-exporter.service, systemd-exporter.service, filebeat.service, haproxy.service');
    expect(units('chatops-1')).toContain(
      'cadvisor.service, cadvisor-tls.service, chatops@1.service, chatops@2.service, chatops-tls.service',
    );
  });
});

const good = () =>
  buildDashboard({
    uid: 'd',
    title: 'D',
    datasource,
    rows: [
      {
        title: 'R',
        panels: [
          { kind: 'timeseries', title: 'T', queries: ['up'] },
          { kind: 'stat', title: 'S', queries: ['count(up)'] },
        ],
      },
    ],
  });

describe('dashboard checks', () => {
  it('reject duplicate panel ids, overlaps, unresolved datasources and bad PromQL', () => {
    const d = good();
    const [row, ts, stat] = d.panels as [
      Dashboard['panels'][0],
      Extract<Dashboard['panels'][0], { type: 'timeseries' }>,
      Dashboard['panels'][0],
    ];
    const broken: Dashboard = {
      ...d,
      panels: [
        row,
        {
          ...ts,
          targets: [
            { ...ts.targets[0]!, expr: 'sum(rate(up[5m])' },
            { ...ts.targets[0]!, datasource: { type: 'prometheus', uid: 'nope' } },
          ],
        },
        { ...stat, id: ts.id, gridPos: { ...ts.gridPos, x: 6 } },
      ],
    };
    expect(checkDashboard(broken, { datasourceUids: ['prom'] })).toMatchInlineSnapshot(`
      [
        {
          "message": "PromQL: syntax error: unexpected end of expression (column 17)",
          "path": [
            "panels",
            1,
            "targets",
            0,
            "expr",
          ],
        },
        {
          "message": "duplicate refId A",
          "path": [
            "panels",
            1,
            "targets",
            1,
            "refId",
          ],
        },
        {
          "message": "no provisioned datasource has uid nope",
          "path": [
            "panels",
            1,
            "targets",
            1,
            "datasource",
            "uid",
          ],
        },
        {
          "message": "panel id 2 is also used by panels.1",
          "path": [
            "panels",
            2,
            "id",
          ],
        },
        {
          "message": "overlaps panel "T" (panels.1)",
          "path": [
            "panels",
            2,
            "gridPos",
          ],
        },
      ]
    `);
  });

  it('reject unknown dashboard variables and unknown keys', () => {
    const d = good();
    const ts = d.panels[1] as Extract<Dashboard['panels'][0], { type: 'timeseries' }>;
    expect(
      catchError(() =>
        validateDashboard(
          { ...d, panels: [{ ...ts, targets: [{ ...ts.targets[0]!, expr: 'up{instance=~"$node"}' }] }] },
          { datasourceUids: ['prom'] },
        ),
      ),
    ).toMatchInlineSnapshot(`"panels.0.targets.0.expr: unknown dashboard variable $node"`);
    expect(catchError(() => validateDashboard({ ...d, style: 'dark' }, { datasourceUids: ['prom'] }))).toMatchInlineSnapshot(
      `"style: unknown key"`,
    );
    expect(
      catchError(() =>
        validateDashboard({ ...d, panels: [{ ...ts, gridPos: { x: 20, y: 0, w: 8, h: 4 } }] }, { datasourceUids: ['prom'] }),
      ),
    ).toMatchInlineSnapshot(`"panels.0.gridPos: panel extends past the 24-column grid (x + w > 24)"`);
    expect(catchError(() => validateDashboard({ ...d, schemaVersion: 27 }, { datasourceUids: ['prom'] }))).toMatchInlineSnapshot(
      `"schemaVersion: expected schemaVersion 36 or later"`,
    );
  });

  it('builder layouts never overlap and ids are unique (property)', () => {
    const panelArb: fc.Arbitrary<PanelProps> = fc.record({
      kind: fc.constantFrom('timeseries', 'stat', 'table', 'state-timeline'),
      title: fc.string({ minLength: 1, maxLength: 8 }),
      queries: fc.constant(['up']),
      width: fc.integer({ min: 1, max: 24 }),
      height: fc.integer({ min: 1, max: 12 }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: fc.string({ minLength: 1, maxLength: 8 }), panels: fc.array(panelArb, { maxLength: 8 }) }), {
          maxLength: 4,
        }),
        (rows) => {
          const d = buildDashboard({ uid: 'p', title: 'P', datasource, rows });
          expect(checkDashboard(d, { datasourceUids: ['prom'] })).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
