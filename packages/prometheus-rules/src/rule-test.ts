import { ConfigError, type Diagnostic, durationMs, labelName, toYaml } from '@chatops/core';
import { parsePromql } from '@chatops/prometheus-common';
import { type RuleFile, promDuration } from './rule-file.js';

/** One input series of a rule test, in promtool's expanding notation. */
export interface InputSeries {
  /** A series selector with `=` matchers only: `up{job="node",node="lb-1"}`. */
  readonly series: string;
  /** Samples, one per `interval`: `1 1 0x10` (0 ten more times), `1+1x5` (1 2 3 4 5 6), `_` (none), `stale`. */
  readonly values: string;
}

/** An alert expected to be firing at a time. */
export interface ExpectedAlert {
  /** Every label of the alert except `alertname` (rule labels included). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Every annotation, expanded. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface AlertExpectation {
  /** Time since the start of the series: `5m`. */
  readonly at: string;
  readonly alertname: string;
  /** The alerts firing at that time; `[]` asserts that none is. */
  readonly expected: readonly ExpectedAlert[];
}

export interface PromqlExpectation {
  readonly at: string;
  readonly expr: string;
  /** Expected samples: `labels` as a series selector (`up{job="x"}`), and the value. */
  readonly expected: readonly { readonly labels: string; readonly value: number }[];
}

export interface RuleTestProps {
  /** Shown by promtool when the test fails. @default undefined */
  readonly name?: string;
  /** Time between two samples of `inputSeries`. @default '1m' */
  readonly interval?: string;
  /** External labels visible to templates as `$externalLabels`. @default undefined */
  readonly externalLabels?: Readonly<Record<string, string>>;
  readonly inputSeries: readonly InputSeries[];
  /** @default [] */
  readonly alerts?: readonly AlertExpectation[];
  /** @default [] */
  readonly promql?: readonly PromqlExpectation[];
}

/** A test case in promtool's own format (`tests[]` of a `promtool test rules` file). */
export interface RuleTestCase {
  readonly name?: string;
  readonly interval: string;
  readonly external_labels?: Record<string, string>;
  readonly input_series: { series: string; values: string }[];
  readonly alert_rule_test?: {
    eval_time: string;
    alertname: string;
    exp_alerts: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
  }[];
  readonly promql_expr_test?: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[];
}

const NUM = '[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]?Inf|NaN';
const VALUE_ITEM = new RegExp(`^(?:_(?:x\\d+)?|stale|(?:${NUM})(?:[+-](?:${NUM}))?(?:x\\d+)?)$`);
const SERIES = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?(\{.*\})?$/;

function checkSeries(series: string, path: (string | number)[], problems: Diagnostic[]): void {
  const parsed = parsePromql(series);
  const m = SERIES.exec(series);
  if (!m || (!m[1] && !m[2]) || parsed.errors.length > 0 || parsed.selectors.length !== 1) {
    const why = parsed.errors[0]?.message ?? 'expected a series like up{job="node"}';
    problems.push({ path, message: `invalid series ${JSON.stringify(series)}: ${why}` });
    return;
  }
  for (const matcher of parsed.selectors[0]?.matchers ?? []) {
    if (matcher.op !== '=')
      problems.push({ path, message: `series ${series}: only = matchers describe a series, got ${matcher.name}${matcher.op}` });
  }
}

/**
 * States a rule test in TypeScript: input series and the alerts (or PromQL results) expected at given times.
 * Validates series, values notation and times, and returns promtool's test case.
 */
export function ruleTest(props: RuleTestProps): RuleTestCase {
  const problems: Diagnostic[] = [];
  const interval = props.interval ?? '1m';
  if (!promDuration.safeParse(interval).success || durationMs(interval) === 0)
    problems.push({ path: ['interval'], message: `expected a non-zero duration, got ${JSON.stringify(interval)}` });
  props.inputSeries.forEach((s, i) => {
    checkSeries(s.series, ['inputSeries', i, 'series'], problems);
    const items = s.values.trim().split(/\s+/);
    items.forEach((item) => {
      if (!VALUE_ITEM.test(item))
        problems.push({
          path: ['inputSeries', i, 'values'],
          message: `invalid value ${JSON.stringify(item)} (expected a number, a+bxn, _, _xn or stale)`,
        });
    });
  });
  for (const [key] of Object.entries(props.externalLabels ?? {})) {
    if (!labelName.safeParse(key).success) problems.push({ path: ['externalLabels', key], message: 'expected a label name' });
  }
  (props.alerts ?? []).forEach((a, i) => {
    if (!promDuration.safeParse(a.at).success)
      problems.push({ path: ['alerts', i, 'at'], message: `expected a duration, got ${JSON.stringify(a.at)}` });
    a.expected.forEach((e, j) => {
      for (const key of Object.keys(e.labels ?? {})) {
        if (!labelName.safeParse(key).success)
          problems.push({ path: ['alerts', i, 'expected', j, 'labels', key], message: 'expected a label name' });
        if (key === 'alertname')
          problems.push({
            path: ['alerts', i, 'expected', j, 'labels', key],
            message: 'alertname is implied by the expectation; leave it out',
          });
      }
    });
  });
  (props.promql ?? []).forEach((q, i) => {
    if (!promDuration.safeParse(q.at).success)
      problems.push({ path: ['promql', i, 'at'], message: `expected a duration, got ${JSON.stringify(q.at)}` });
    for (const e of parsePromql(q.expr).errors) problems.push({ path: ['promql', i, 'expr'], message: e.message });
    q.expected.forEach((s, j) => checkSeries(s.labels, ['promql', i, 'expected', j, 'labels'], problems));
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const alerts = props.alerts ?? [];
  const promql = props.promql ?? [];
  return {
    ...(props.name ? { name: props.name } : {}),
    interval,
    ...(props.externalLabels ? { external_labels: { ...props.externalLabels } } : {}),
    input_series: props.inputSeries.map((s) => ({ series: s.series, values: s.values.trim().replace(/\s+/g, ' ') })),
    ...(alerts.length > 0
      ? {
          alert_rule_test: alerts.map((a) => ({
            eval_time: a.at,
            alertname: a.alertname,
            exp_alerts: a.expected.map((e) => ({
              ...(e.labels && Object.keys(e.labels).length > 0 ? { exp_labels: { ...e.labels } } : {}),
              ...(e.annotations && Object.keys(e.annotations).length > 0 ? { exp_annotations: { ...e.annotations } } : {}),
            })),
          })),
        }
      : {}),
    ...(promql.length > 0
      ? { promql_expr_test: promql.map((q) => ({ expr: q.expr, eval_time: q.at, exp_samples: q.expected.map((s) => ({ ...s })) })) }
      : {}),
  };
}

export interface RuleTestFileProps {
  /** Rule files under test, relative to the test file (as promtool resolves them). */
  readonly ruleFiles: readonly string[];
  /** @default '1m' */
  readonly evaluationInterval?: string;
  readonly tests: readonly RuleTestCase[];
  /** The rules under test: when given, every `alertname` of the tests must be an alert they define. @default undefined */
  readonly rules?: readonly RuleFile[];
}

/** Renders a `promtool test rules` file. */
export function printRuleTestFile(props: RuleTestFileProps): string {
  const problems: Diagnostic[] = [];
  if (props.ruleFiles.length === 0) problems.push({ path: ['ruleFiles'], message: 'at least one rule file is needed' });
  const evaluationInterval = props.evaluationInterval ?? '1m';
  if (!promDuration.safeParse(evaluationInterval).success) problems.push({ path: ['evaluationInterval'], message: 'expected a duration' });
  if (props.rules) {
    const alerts = new Set(props.rules.flatMap((f) => f.groups.flatMap((g) => g.rules.flatMap((r) => ('alert' in r ? [r.alert] : [])))));
    props.tests.forEach((t, i) =>
      t.alert_rule_test?.forEach((a, j) => {
        if (!alerts.has(a.alertname))
          problems.push({ path: ['tests', i, 'alerts', j, 'alertname'], message: `no rule defines alert "${a.alertname}"` });
      }),
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return toYaml({ rule_files: [...props.ruleFiles], evaluation_interval: evaluationInterval, tests: props.tests });
}
