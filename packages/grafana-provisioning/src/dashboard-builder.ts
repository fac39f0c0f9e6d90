import { validateWith } from '@chatops/core';
import { type Dashboard, type DatasourceRef, GRID_COLUMNS, type Panel, SCHEMA_VERSION, type Target, dashboardSchema } from './dashboard.js';

export interface QueryProps {
  /** A PromQL expression; Grafana's `$__rate_interval`, `$__interval` and `$__range` may be used. */
  readonly expr: string;
  /** Legend template, e.g. `{{instance}}`. @default Grafana's automatic legend */
  readonly legend?: string;
  /** Evaluate once at the end of the range (tables, stats). @default false */
  readonly instant?: boolean;
  /** @default 'time_series' */
  readonly format?: 'time_series' | 'table';
}

export interface ThresholdProps {
  /** Color below the first step. */
  readonly base: string;
  readonly steps: readonly { readonly value: number; readonly color: string }[];
}

export interface PanelProps {
  readonly kind: 'timeseries' | 'stat' | 'table' | 'state-timeline';
  readonly title: string;
  /** @default none */
  readonly description?: string;
  /** One query per entry (a bare string is an expression with default options). */
  readonly queries: readonly (QueryProps | string)[];
  /** Grid columns out of 24. @default 12 (6 for stat panels) */
  readonly width?: number;
  /** Grid rows. @default 8 (4 for stat panels) */
  readonly height?: number;
  /** Grafana unit id (`short`, `percentunit`, `bytes`, `reqps`, `s`, ...). @default none */
  readonly unit?: string;
  /** @default none */
  readonly min?: number;
  /** @default none */
  readonly max?: number;
  /** @default none (stat and state-timeline panels color by thresholds when given) */
  readonly thresholds?: ThresholdProps;
  /** Text and color shown for exact values, e.g. `{ '1': { text: 'UP', color: 'green' } }`. @default none */
  readonly valueText?: Readonly<Record<string, { readonly text: string; readonly color: string }>>;
  /** Table columns to hide. @default ['Time'] for tables */
  readonly hideColumns?: readonly string[];
}

export interface RowProps {
  readonly title: string;
  readonly panels: readonly PanelProps[];
}

export interface DashboardProps {
  readonly uid: string;
  readonly title: string;
  /** @default none */
  readonly description?: string;
  /** @default [] */
  readonly tags?: readonly string[];
  /** Auto-refresh interval. @default '30s' */
  readonly refresh?: string;
  /** Start of the default time range. @default 'now-6h' */
  readonly from?: string;
  /** The datasource every panel queries. */
  readonly datasource: DatasourceRef;
  /** Rows in order; panels flow left to right and wrap at 24 columns. */
  readonly rows: readonly RowProps[];
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function refId(i: number): string {
  return i < REF_IDS.length ? REF_IDS[i]! : `${REF_IDS[Math.floor(i / REF_IDS.length) - 1]}${REF_IDS[i % REF_IDS.length]}`;
}

function target(q: QueryProps | string, i: number, datasource: DatasourceRef): Target {
  const query = typeof q === 'string' ? { expr: q } : q;
  return {
    refId: refId(i),
    datasource,
    editorMode: 'code',
    expr: query.expr,
    legendFormat: query.legend,
    instant: query.instant ? true : undefined,
    range: query.instant ? false : undefined,
    format: query.format,
  };
}

function panel(p: PanelProps, id: number, gridPos: Panel['gridPos'], datasource: DatasourceRef): Panel {
  const thresholds = p.thresholds && {
    mode: 'absolute' as const,
    steps: [{ color: p.thresholds.base, value: null }, ...p.thresholds.steps.map((s) => ({ color: s.color, value: s.value }))],
  };
  const mappings = p.valueText && [
    {
      type: 'value' as const,
      options: Object.fromEntries(Object.entries(p.valueText).map(([v, t], index) => [v, { text: t.text, color: t.color, index }])),
    },
  ];
  const colorByThresholds = (p.kind === 'stat' || p.kind === 'state-timeline') && (thresholds || mappings);
  const base = {
    id,
    title: p.title,
    description: p.description,
    gridPos,
    datasource,
    targets: p.queries.map((q, i) => target(q, i, datasource)),
    fieldConfig: {
      defaults: {
        unit: p.unit,
        min: p.min,
        max: p.max,
        color: { mode: colorByThresholds ? ('thresholds' as const) : ('palette-classic' as const) },
        thresholds,
        mappings,
        custom: p.kind === 'timeseries' ? { drawStyle: 'line' as const, lineWidth: 1, fillOpacity: 10 } : undefined,
      },
      overrides: [],
    },
  };
  const legend = { showLegend: true, displayMode: 'list' as const, placement: 'bottom' as const, calcs: [] };
  const tooltip = { mode: 'multi' as const, sort: 'desc' as const };
  switch (p.kind) {
    case 'timeseries':
      return { ...base, type: 'timeseries', options: { legend, tooltip } };
    case 'stat':
      return {
        ...base,
        type: 'stat',
        options: {
          reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
          colorMode: 'background',
          graphMode: 'none',
          textMode: 'auto',
          justifyMode: 'auto',
          orientation: 'auto',
        },
      };
    case 'table': {
      const hidden = p.hideColumns ?? ['Time'];
      return {
        ...base,
        type: 'table',
        options: { showHeader: true, cellHeight: 'sm' },
        transformations: [{ id: 'organize', options: { excludeByName: Object.fromEntries(hidden.map((c) => [c, true])) } }],
      };
    }
    case 'state-timeline':
      return {
        ...base,
        type: 'state-timeline',
        options: { showValue: 'auto', mergeValues: true, alignValue: 'left', rowHeight: 0.9, legend, tooltip },
      };
  }
}

/**
 * Builds a dashboard from typed rows of panels: ids are assigned in order from 1, refIds A, B, ..., and panels
 * flow left to right on the 24-column grid, each row starting below the tallest panel of the previous line.
 * The result is parsed with the strict dashboard schema.
 */
export function buildDashboard(props: DashboardProps): Dashboard {
  const panels: Panel[] = [];
  let id = 0;
  let y = 0;
  for (const row of props.rows) {
    panels.push({ id: ++id, type: 'row', title: row.title, collapsed: false, gridPos: { x: 0, y, w: GRID_COLUMNS, h: 1 }, panels: [] });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const p of row.panels) {
      const w = p.width ?? (p.kind === 'stat' ? 6 : 12);
      const h = p.height ?? (p.kind === 'stat' ? 4 : 8);
      if (x + w > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      panels.push(panel(p, ++id, { x, y, w, h }, props.datasource));
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return validateWith(dashboardSchema, {
    uid: props.uid,
    title: props.title,
    description: props.description,
    tags: [...(props.tags ?? [])],
    timezone: 'browser',
    editable: false,
    graphTooltip: 1,
    refresh: props.refresh ?? '30s',
    time: { from: props.from ?? 'now-6h', to: 'now' },
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    links: [],
    panels,
  });
}
