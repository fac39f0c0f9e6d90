import { z } from 'zod';
import { grafanaUid } from './datasource-provisioning.js';

/** Oldest dashboard schema we emit: object datasource references (`{ type, uid }`) and the current panel types. */
export const MIN_SCHEMA_VERSION = 36;
/** Dashboard schema version we write (Grafana 10.4 / 11). */
export const SCHEMA_VERSION = 39;
/** Width of Grafana's dashboard grid. */
export const GRID_COLUMNS = 24;

export const datasourceRefSchema = z.strictObject({ type: z.literal('prometheus'), uid: grafanaUid });
export type DatasourceRef = z.output<typeof datasourceRefSchema>;

export const gridPosSchema = z
  .strictObject({
    x: z
      .number()
      .int()
      .min(0)
      .max(GRID_COLUMNS - 1),
    y: z.number().int().min(0),
    w: z.number().int().min(1).max(GRID_COLUMNS),
    h: z.number().int().min(1),
  })
  .refine((g) => g.x + g.w <= GRID_COLUMNS, { message: `panel extends past the ${GRID_COLUMNS}-column grid (x + w > ${GRID_COLUMNS})` });
export type GridPos = z.output<typeof gridPosSchema>;

export const targetSchema = z.strictObject({
  refId: z.string().regex(/^[A-Z]{1,3}$/, { message: 'expected a refId like A, B, ... AA' }),
  datasource: datasourceRefSchema,
  expr: z.string().min(1),
  legendFormat: z.string().optional(),
  instant: z.boolean().optional(),
  range: z.boolean().optional(),
  format: z.enum(['time_series', 'table', 'heatmap']).optional(),
  interval: z.string().optional(),
  editorMode: z.literal('code').optional(),
});
export type Target = z.output<typeof targetSchema>;

const color = z.string().regex(/^(#[0-9a-fA-F]{6}|[a-z]+(-[a-z]+)*)$/, { message: 'expected a color name or #rrggbb' });

const thresholdsSchema = z
  .strictObject({
    mode: z.enum(['absolute', 'percentage']),
    steps: z.array(z.strictObject({ color, value: z.number().nullable() })).min(1),
  })
  .superRefine((t, ctx) => {
    t.steps.forEach((s, i) => {
      if ((i === 0) !== (s.value === null))
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'value'],
          message: i === 0 ? 'the base step has value null' : 'only the base step has value null',
        });
      const prev = t.steps[i - 1]?.value;
      if (i > 1 && s.value !== null && prev !== null && prev !== undefined && s.value <= prev) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'value'], message: 'threshold steps must increase' });
      }
    });
  });

const valueMappingSchema = z.strictObject({
  type: z.literal('value'),
  options: z.record(z.string(), z.strictObject({ text: z.string(), color: color.optional(), index: z.number().int().min(0).optional() })),
});

const fieldConfigSchema = z.strictObject({
  defaults: z.strictObject({
    unit: z.string().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    decimals: z.number().int().min(0).optional(),
    color: z.strictObject({ mode: z.enum(['palette-classic', 'thresholds', 'fixed']), fixedColor: color.optional() }).optional(),
    thresholds: thresholdsSchema.optional(),
    mappings: z.array(valueMappingSchema).optional(),
    custom: z
      .strictObject({
        drawStyle: z.enum(['line', 'bars', 'points']).optional(),
        lineWidth: z.number().int().min(0).max(10).optional(),
        fillOpacity: z.number().int().min(0).max(100).optional(),
        stacking: z.strictObject({ mode: z.enum(['none', 'normal', 'percent']), group: z.string() }).optional(),
      })
      .optional(),
  }),
  overrides: z.array(z.never()),
});

const legendSchema = z.strictObject({
  showLegend: z.boolean(),
  displayMode: z.enum(['list', 'table', 'hidden']),
  placement: z.enum(['bottom', 'right']),
  calcs: z.array(z.enum(['lastNotNull', 'last', 'mean', 'max', 'min', 'sum'])),
});
const tooltipSchema = z.strictObject({ mode: z.enum(['single', 'multi', 'none']), sort: z.enum(['none', 'asc', 'desc']) });
const reduceOptionsSchema = z.strictObject({
  calcs: z.array(z.enum(['lastNotNull', 'last', 'mean', 'max', 'min', 'sum'])).min(1),
  fields: z.string(),
  values: z.boolean(),
});

const organizeTransformation = z.strictObject({
  id: z.literal('organize'),
  options: z.strictObject({
    excludeByName: z.record(z.string(), z.boolean()).optional(),
    renameByName: z.record(z.string(), z.string()).optional(),
    indexByName: z.record(z.string(), z.number().int().min(0)).optional(),
  }),
});

/** A query panel's keys in the order Grafana's own JSON model shows them. */
function queryPanel<T extends string, O extends z.ZodType>(type: T, options: O) {
  return z.strictObject({
    id: z.number().int().min(1),
    type: z.literal(type),
    title: z.string().min(1),
    description: z.string().optional(),
    gridPos: gridPosSchema,
    datasource: datasourceRefSchema,
    targets: z.array(targetSchema).min(1),
    fieldConfig: fieldConfigSchema,
    options,
    transformations: z.array(organizeTransformation).optional(),
  });
}

const timeseriesPanel = queryPanel('timeseries', z.strictObject({ legend: legendSchema, tooltip: tooltipSchema }));

const statPanel = queryPanel(
  'stat',
  z.strictObject({
    reduceOptions: reduceOptionsSchema,
    colorMode: z.enum(['value', 'background', 'none']),
    graphMode: z.enum(['area', 'none']),
    textMode: z.enum(['auto', 'value', 'value_and_name', 'name', 'none']),
    justifyMode: z.enum(['auto', 'center']),
    orientation: z.enum(['auto', 'horizontal', 'vertical']),
  }),
);

const tablePanel = queryPanel('table', z.strictObject({ showHeader: z.boolean(), cellHeight: z.enum(['sm', 'md', 'lg']).optional() }));

const stateTimelinePanel = queryPanel(
  'state-timeline',
  z.strictObject({
    showValue: z.enum(['auto', 'always', 'never']),
    mergeValues: z.boolean(),
    alignValue: z.enum(['left', 'center', 'right']),
    rowHeight: z.number().min(0).max(1),
    legend: legendSchema,
    tooltip: tooltipSchema,
  }),
);

/** A collapsed-or-open row header; open rows keep their panels at the top level after them. */
const rowPanel = z.strictObject({
  id: z.number().int().min(1),
  type: z.literal('row'),
  title: z.string().min(1),
  collapsed: z.boolean(),
  gridPos: gridPosSchema,
  panels: z.array(z.never()),
});

export const panelSchema = z.discriminatedUnion('type', [timeseriesPanel, statPanel, tablePanel, stateTimelinePanel, rowPanel]);
export type Panel = z.output<typeof panelSchema>;
export type QueryPanel = Exclude<Panel, { type: 'row' }>;

/** The subset of Grafana's dashboard JSON model we emit. Unknown keys are rejected. */
export const dashboardSchema = z.strictObject({
  uid: grafanaUid,
  title: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string().min(1)),
  timezone: z.enum(['browser', 'utc']),
  editable: z.boolean(),
  graphTooltip: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  refresh: z.union([z.string().regex(/^\d+[smhd]$/, { message: 'expected a refresh interval like 30s' }), z.literal(false)]),
  time: z.strictObject({ from: z.string().min(1), to: z.string().min(1) }),
  schemaVersion: z
    .number()
    .int()
    .min(MIN_SCHEMA_VERSION, { message: `expected schemaVersion ${MIN_SCHEMA_VERSION} or later` }),
  version: z.number().int().min(0).optional(),
  links: z.array(z.never()),
  panels: z.array(panelSchema),
});
export type Dashboard = z.output<typeof dashboardSchema>;
export type DashboardInput = z.input<typeof dashboardSchema>;
