/** One label matcher of a selector: label name, operator, value (unquoted; the printer quotes it). */
export type PromqlMatcherSpec = readonly [label: string, op: '=' | '!=' | '=~' | '!~', value: string];

/** A PromQL double-quoted string literal. */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

/** An anchored-alternation RE2 pattern matching exactly these values (Prometheus anchors `=~` itself). */
export function exactRegex(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/**
 * A vector selector `metric{label="value",...}` with every value quoted by `promqlString`: the one way the stack's
 * alert rules and dashboards select series, so a node or unit name never needs escaping by hand.
 */
export function promqlSelector(metric: string, matchers: readonly PromqlMatcherSpec[]): string {
  return `${metric}{${matchers.map(([k, op, v]) => `${k}${op}${promqlString(v)}`).join(',')}}`;
}
