import { ConfigError, type Diagnostic, validateWith } from '@chatops/core';
import { promqlProblems } from './_promql.js';
import { type Dashboard, type DashboardInput, type GridPos, dashboardSchema } from './dashboard.js';

export interface DashboardCheckOptions {
  /** Uids of the provisioned Prometheus datasources every reference must resolve to. */
  readonly datasourceUids: readonly string[];
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * What Grafana would load silently but wrongly (or refuse): duplicate panel ids, overlapping panels, datasource
 * references to nothing, duplicate refIds, and queries that are not PromQL. Returns diagnostics with paths.
 */
export function checkDashboard(dashboard: Dashboard, options: DashboardCheckOptions): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const uids = new Set(options.datasourceUids);
  const ids = new Map<number, number>();
  dashboard.panels.forEach((panel, i) => {
    const at = ['panels', i] as const;
    const seen = ids.get(panel.id);
    if (seen !== undefined) problems.push({ path: [...at, 'id'], message: `panel id ${panel.id} is also used by panels.${seen}` });
    else ids.set(panel.id, i);
    for (let j = 0; j < i; j++) {
      const other = dashboard.panels[j];
      if (other && overlaps(panel.gridPos, other.gridPos)) {
        problems.push({ path: [...at, 'gridPos'], message: `overlaps panel ${JSON.stringify(other.title)} (panels.${j})` });
      }
    }
    if (panel.type === 'row') return;
    if (!uids.has(panel.datasource.uid)) {
      problems.push({ path: [...at, 'datasource', 'uid'], message: `no provisioned datasource has uid ${panel.datasource.uid}` });
    }
    const refIds = new Set<string>();
    panel.targets.forEach((target, t) => {
      const tp = [...at, 'targets', t];
      if (refIds.has(target.refId)) problems.push({ path: [...tp, 'refId'], message: `duplicate refId ${target.refId}` });
      refIds.add(target.refId);
      if (!uids.has(target.datasource.uid)) {
        problems.push({ path: [...tp, 'datasource', 'uid'], message: `no provisioned datasource has uid ${target.datasource.uid}` });
      }
      for (const message of promqlProblems(target.expr)) problems.push({ path: [...tp, 'expr'], message });
    });
  });
  return problems;
}

/** Parses a dashboard with the strict schema, then runs `checkDashboard`; throws a ConfigError listing every problem. */
export function validateDashboard(value: unknown, options: DashboardCheckOptions): Dashboard {
  const dashboard = validateWith(dashboardSchema, value);
  const problems = checkDashboard(dashboard, options);
  if (problems.length > 0) throw new ConfigError(problems, value);
  return dashboard;
}

/** Dashboard JSON as Grafana's file provider reads it: validated, 2-space indented, final newline. */
export function printDashboard(value: DashboardInput, options: DashboardCheckOptions): string {
  return `${JSON.stringify(validateDashboard(value, options), null, 2)}\n`;
}
