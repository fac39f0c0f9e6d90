import { type Diagnostic, type DocumentPath, durationPattern, labelName, toYaml, validateWith, zodDiagnostics } from '@chatops/core';
import { z } from 'zod';
import { checkAlertTemplate } from './alert-template.js';
import { parsePromql, promqlDiagnostics } from '@chatops/prometheus-common';

/** A Prometheus duration where zero is allowed (`0s`), as in a rule's `for`. */
export const promDuration = z
  .string()
  .refine((v) => v !== '' && durationPattern.test(v), { message: 'expected a duration like 30s, 5m or 1h30m' });

const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { message: 'expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' });
/** A label or annotation map: keys are label names (checked one by one, so the message names the key). */
export const labelMap = z.record(z.string(), z.string()).superRefine((map, ctx) => {
  for (const key of Object.keys(map)) {
    if (!labelName.safeParse(key).success)
      ctx.addIssue({ code: 'custom', path: [key], message: 'expected a label name ([a-zA-Z_][a-zA-Z0-9_]*)' });
    if (key === '__name__') ctx.addIssue({ code: 'custom', path: [key], message: 'label __name__ is reserved' });
  }
});
const labels = labelMap;

export const alertingRuleSchema = z.strictObject({
  /** Alert name: a metric-name-like identifier (`ChatOpsInstanceDown`). */
  alert: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'expected an alert name of letters, digits and _ (e.g. ChatOpsInstanceDown)' }),
  /** PromQL expression; each result series is a pending/firing alert. */
  expr: z.string().min(1),
  /** How long the expression must hold before the alert fires. @default '0s' */
  for: promDuration.optional(),
  /** Labels added to the alert (templates allowed). */
  labels: labels.optional(),
  /** Annotations (templates allowed). */
  annotations: labelMap.optional(),
});
export type AlertingRule = z.infer<typeof alertingRuleSchema>;

export const recordingRuleSchema = z.strictObject({
  /** The new series' metric name. */
  record: metricName,
  expr: z.string().min(1),
  labels: labels.optional(),
});
export type RecordingRule = z.infer<typeof recordingRuleSchema>;

export type Rule = AlertingRule | RecordingRule;

/** An alerting rule, or a recording rule when it has `record` (dispatching keeps error messages precise). */
export const ruleSchema = z.unknown().transform((value, ctx): Rule => {
  const recording = value !== null && typeof value === 'object' && 'record' in value;
  const parsed = (recording ? recordingRuleSchema : alertingRuleSchema).safeParse(value);
  if (parsed.success) return parsed.data;
  for (const d of zodDiagnostics(parsed.error)) ctx.addIssue({ code: 'custom', message: d.message, path: [...d.path] });
  return z.NEVER;
});

export const ruleGroupSchema = z.strictObject({
  name: z.string().min(1),
  /** Evaluation interval of this group. @default global.evaluation_interval */
  interval: promDuration.optional(),
  /** Max alerts/series the group may produce (0 = no limit). @default 0 */
  limit: z.number().int().min(0).optional(),
  rules: z.array(ruleSchema),
});
export type RuleGroup = z.infer<typeof ruleGroupSchema>;

export const ruleFileSchema = z.strictObject({ groups: z.array(ruleGroupSchema) });
export type RuleFile = z.infer<typeof ruleFileSchema>;

function ruleName(rule: Rule): string {
  return 'alert' in rule ? rule.alert : rule.record;
}

/**
 * Checks what promtool checks and what it misses, with the rule's path (`groups.chatops.rules.X.expr`): PromQL
 * of every expression, duplicate group names, duplicate rule names within a group (an alert may repeat with other
 * labels, as a warning and a critical of one condition do), label and annotation templates
 * (known functions and variables, `$labels.x` only where the expression can have label x).
 */
export function checkRuleFile(file: RuleFile): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const groups = new Set<string>();
  for (const group of file.groups) {
    const gpath: DocumentPath = ['groups', group.name];
    if (groups.has(group.name)) problems.push({ path: gpath, message: `duplicate group name "${group.name}"` });
    groups.add(group.name);
    if (group.rules.length === 0) problems.push({ path: [...gpath, 'rules'], message: 'a group needs at least one rule' });
    const names = new Set<string>();
    for (const rule of group.rules) {
      const name = ruleName(rule);
      const rpath: DocumentPath = [...gpath, 'rules', name];
      const key = 'alert' in rule ? `${name} ${JSON.stringify(Object.entries(rule.labels ?? {}).sort())}` : name;
      if (names.has(key)) problems.push({ path: rpath, message: `duplicate rule name "${name}" in group "${group.name}"` });
      names.add(key);
      const analysis = parsePromql(rule.expr);
      problems.push(...promqlDiagnostics(analysis, [...rpath, 'expr']));
      const parsed = analysis.errors.length === 0 ? analysis : undefined;
      if (parsed && parsed.type !== 'vector' && parsed.type !== 'scalar') {
        problems.push({
          path: [...rpath, 'expr'],
          message: `a rule's expression must be an instant vector or a scalar, got ${parsed.type}`,
        });
      }
      const texts: [string, Record<string, string> | undefined][] = [['labels', rule.labels]];
      if ('alert' in rule) texts.push(['annotations', rule.annotations]);
      for (const [kind, map] of texts) {
        for (const [key, value] of Object.entries(map ?? {})) {
          if ('record' in rule && /\{\{/.test(value)) {
            problems.push({ path: [...rpath, kind, key], message: 'recording rule labels are not templated' });
            continue;
          }
          for (const message of checkAlertTemplate(value, parsed ? { labels: parsed.labels } : {})) {
            problems.push({ path: [...rpath, kind, key], message });
          }
        }
      }
    }
  }
  return problems;
}

/** Validates a rule file (schema, then `checkRuleFile`) and returns it typed; throws a ConfigError with every problem. */
export function validateRuleFile(input: unknown): RuleFile {
  return validateWith(ruleFileSchema, input, {}, checkRuleFile);
}

/** Prints a validated rule file as Prometheus reads it (deterministic YAML). */
export function printRuleFile(input: RuleFile, options: { header?: string } = {}): string {
  const file = validateRuleFile(input);
  const ordered = {
    groups: file.groups.map((g) => ({
      name: g.name,
      interval: g.interval,
      limit: g.limit,
      rules: g.rules.map((r) =>
        'alert' in r
          ? { alert: r.alert, expr: r.expr, for: r.for, labels: r.labels, annotations: r.annotations }
          : { record: r.record, expr: r.expr, labels: r.labels },
      ),
    })),
  };
  return toYaml(ordered, options.header ? { header: options.header } : {});
}
