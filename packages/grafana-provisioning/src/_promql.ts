import { checkPromql } from '@chatops/prometheus-common';

/** Grafana's built-in interval variables, replaced by a sample value of the same kind before parsing. */
const BUILTINS: Readonly<Record<string, string>> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
  __interval_ms: '60000',
  __range_s: '3600',
  __range_ms: '3600000',
};

/**
 * Problems in a panel query: unknown dashboard variables (we define none besides Grafana's built-ins), then what
 * the stack's PromQL checker (`@chatops/prometheus-common`: Prometheus' grammar plus types, functions and RE2
 * regexes) finds once Grafana's variables are substituted. Empty when the query is valid.
 */
export function promqlProblems(expr: string): string[] {
  const problems: string[] = [];
  const substituted = expr.replace(/\$(\{(\w+)\}|(\w+))/g, (whole, _b: string, braced: string | undefined, plain: string | undefined) => {
    const name = braced ?? plain ?? '';
    const value = BUILTINS[name];
    if (value === undefined) {
      problems.push(`unknown dashboard variable ${whole}`);
      return name;
    }
    return value;
  });
  if (problems.length > 0) return problems;
  return checkPromql(substituted).map((d) => `PromQL: ${d.message}`);
}
