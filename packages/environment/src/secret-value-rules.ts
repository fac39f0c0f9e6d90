/**
 * Secret values a consumer would silently mangle, checked when the value is known at render time (`env`/`file`
 * secrets; an `onNode` value is never seen here). Keyed by the secret's dotted path in the environment.
 */
const RULES: Readonly<Record<string, (value: string) => string | undefined>> = {
  // Grafana runs os.ExpandEnv over provisioning values after reading $__file{}: "pa$$word" would reach
  // Prometheus as "pa$word", and "$x" as "" — a datasource that fails to authenticate for no visible reason.
  'serviceAccounts.grafana.password': (value) =>
    value.includes('$')
      ? 'contains "$", which Grafana expands in provisioning files even in $__file{} values (the password would silently change); choose one without "$"'
      : undefined,
};

/** Why a secret's value cannot be used at this path, or undefined when it can. */
export function secretValueProblem(path: readonly (string | number)[], value: string): string | undefined {
  return RULES[path.join('.')]?.(value);
}
