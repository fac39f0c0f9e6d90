import { parser } from '@prometheus-io/lezer-promql';

// TODO(prometheus-rules): switch to the PromQL checker `@chatops/prometheus-rules` exports once it is public.

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
 * Problems in a panel query: unknown dashboard variables (we define none besides Grafana's built-ins), then
 * PromQL syntax errors as Prometheus' own grammar (lezer-promql) sees them. Empty when the query is valid.
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
  const tree = parser.parse(substituted);
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) {
      const at = cursor.from;
      const near = substituted.slice(at, at + 20) || 'end of query';
      problems.push(`PromQL syntax error at column ${at + 1} (near ${JSON.stringify(near)})`);
      break;
    }
  } while (cursor.next());
  return problems;
}
