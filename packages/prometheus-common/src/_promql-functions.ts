/** PromQL value types. */
export type PromqlType = 'scalar' | 'vector' | 'matrix' | 'string';

export interface PromqlFunction {
  /** Argument types; the last one repeats when `variadic`. */
  readonly args: readonly PromqlType[];
  /** How many trailing arguments may be left out. @default 0 */
  readonly optional?: number;
  /** @default false */
  readonly variadic?: boolean;
  readonly returns: PromqlType;
}

const v = (): PromqlFunction => ({ args: ['vector'], returns: 'vector' });
const m = (): PromqlFunction => ({ args: ['matrix'], returns: 'vector' });
const optV = (): PromqlFunction => ({ args: ['vector'], optional: 1, returns: 'vector' });

/**
 * The functions of Prometheus 2.42 (promql/functions.go of that release) with their signatures. The lezer grammar
 * knows newer ones (limitk, info, ts_of_*, mad_over_time, ...): those are reported as unsupported.
 */
export const PROMQL_FUNCTIONS: Readonly<Record<string, PromqlFunction>> = {
  abs: v(),
  absent: v(),
  absent_over_time: m(),
  acos: v(),
  acosh: v(),
  asin: v(),
  asinh: v(),
  atan: v(),
  atanh: v(),
  avg_over_time: m(),
  ceil: v(),
  changes: m(),
  clamp: { args: ['vector', 'scalar', 'scalar'], returns: 'vector' },
  clamp_max: { args: ['vector', 'scalar'], returns: 'vector' },
  clamp_min: { args: ['vector', 'scalar'], returns: 'vector' },
  cos: v(),
  cosh: v(),
  count_over_time: m(),
  days_in_month: optV(),
  day_of_month: optV(),
  day_of_week: optV(),
  day_of_year: optV(),
  deg: v(),
  delta: m(),
  deriv: m(),
  exp: v(),
  floor: v(),
  histogram_count: v(),
  histogram_fraction: { args: ['scalar', 'scalar', 'vector'], returns: 'vector' },
  histogram_quantile: { args: ['scalar', 'vector'], returns: 'vector' },
  histogram_sum: v(),
  holt_winters: { args: ['matrix', 'scalar', 'scalar'], returns: 'vector' },
  hour: optV(),
  idelta: m(),
  increase: m(),
  irate: m(),
  label_join: { args: ['vector', 'string', 'string', 'string'], optional: 1, variadic: true, returns: 'vector' },
  label_replace: { args: ['vector', 'string', 'string', 'string', 'string'], returns: 'vector' },
  last_over_time: m(),
  ln: v(),
  log10: v(),
  log2: v(),
  max_over_time: m(),
  min_over_time: m(),
  minute: optV(),
  month: optV(),
  pi: { args: [], returns: 'scalar' },
  predict_linear: { args: ['matrix', 'scalar'], returns: 'vector' },
  present_over_time: m(),
  quantile_over_time: { args: ['scalar', 'matrix'], returns: 'vector' },
  rad: v(),
  rate: m(),
  resets: m(),
  round: { args: ['vector', 'scalar'], optional: 1, returns: 'vector' },
  scalar: { args: ['vector'], returns: 'scalar' },
  sgn: v(),
  sin: v(),
  sinh: v(),
  sort: v(),
  sort_desc: v(),
  sqrt: v(),
  stddev_over_time: m(),
  stdvar_over_time: m(),
  sum_over_time: m(),
  tan: v(),
  tanh: v(),
  time: { args: [], returns: 'scalar' },
  timestamp: v(),
  vector: { args: ['scalar'], returns: 'vector' },
  year: optV(),
};
