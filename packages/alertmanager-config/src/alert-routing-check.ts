import type { Artifact, Diagnostic } from '@chatops/core';
import { type StackCheck, nodePath, nodeWithRole } from '@chatops/environment';
import { PROMETHEUS_PATHS, type RuleFile, prometheusConfigSchema, ruleFileSchema } from '@chatops/prometheus-rules';
import { load } from 'js-yaml';
import type { AlertmanagerConfig, InhibitRule, Receiver } from './alertmanager-config.js';
import { ALERTMANAGER_PATHS } from './alertmanager-renderer.js';
import { type Matcher, formatMatcherList, matcherMatches, parseMatchers } from './matchers.js';
import { parseAlertmanagerConfig } from './parse-config.js';
import { RouteSimulator } from './simulator.js';

/** An alert a rule can produce: its name and the labels the rule sets (templated values taken literally). */
export interface AlertRuleLabels {
  readonly alert: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Where the rule comes from, for messages (`/etc/prometheus/rules/chatops.yml`). */
  readonly source?: string;
}

/** Number of notification integrations a receiver has; zero means it sends nothing. */
export function integrationCount(receiver: Receiver): number {
  return (receiver.slack_configs?.length ?? 0) + (receiver.email_configs?.length ?? 0) + (receiver.webhook_configs?.length ?? 0);
}

/**
 * Checks that every alert the rules can produce reaches at least one receiver, and only receivers that really
 * send something (no fall-through to an empty "black hole" receiver). Routing on labels that only the series
 * carry (e.g. `node`) is not known here: alerts are routed with `alertname` plus the rule's own labels.
 * An alert with `severity: none` (the Watchdog) is meant to be watched rather than notified: it may go to a
 * receiver without integrations.
 */
export function checkAlertRouting(config: AlertmanagerConfig, rules: readonly AlertRuleLabels[]): Diagnostic[] {
  const sim = new RouteSimulator(config);
  const byName = new Map(sim.config.receivers.map((r) => [r.name, r]));
  const out: Diagnostic[] = [];
  for (const rule of rules) {
    const labels = { ...rule.labels, alertname: rule.alert };
    const receivers = sim.receivers(labels);
    const empty = [...new Set(receivers)].filter((name) => integrationCount(byName.get(name) ?? { name }) === 0);
    const where = rule.source ? ` (${rule.source})` : '';
    if (receivers.length === 0) out.push({ path: ['route'], message: `alert ${rule.alert}${where} reaches no receiver` });
    else if (empty.length > 0 && rule.labels?.severity !== 'none') {
      out.push({
        path: ['route'],
        message: `alert ${rule.alert}${where} is routed to receiver ${empty.join(', ')}, which has no integrations: it would never be notified`,
      });
    }
  }
  return out;
}

/** The alerting rules of a rule file (`groups[].rules[]` with `alert`), with the labels they set. */
export function alertRulesIn(file: RuleFile, source?: string): AlertRuleLabels[] {
  return file.groups.flatMap((g) =>
    g.rules.flatMap((r) => ('alert' in r ? [{ alert: r.alert, labels: { ...r.labels }, ...(source ? { source } : {}) }] : [])),
  );
}

/** An inhibit rule's source matchers, parsed as Alertmanager parses them (the deprecated maps included). */
function sourceMatchers(rule: InhibitRule): Matcher[] {
  return [
    ...(rule.source_matchers ?? []).flatMap((m) => parseMatchers(m)),
    ...Object.entries(rule.source_match ?? {}).map(([name, value]): Matcher => ({ name, type: '=', value })),
    ...Object.entries(rule.source_match_re ?? {}).map(([name, value]): Matcher => ({ name, type: '=~', value })),
  ];
}

/**
 * Whether an alert of this rule can satisfy these source matchers. Only labels the rule itself sets (and
 * `alertname`) are known before the alert fires; a matcher on another label (`node`, from the series) or on a
 * templated value cannot be decided here and is taken as satisfiable.
 */
function canSource(matchers: readonly Matcher[], rule: AlertRuleLabels): boolean {
  const labels: Record<string, string> = { ...rule.labels, alertname: rule.alert };
  return matchers.every((m) => !(m.name in labels) || labels[m.name]?.includes('{{') || matcherMatches(m, labels));
}

function parseYaml(a: Artifact): unknown {
  return load(a.content, { filename: a.path });
}

/**
 * Stack check, on typed models: reads the rendered `alertmanager.yml` (`parseAlertmanagerConfig`), the rendered
 * `prometheus.yml` and every rule file its `rule_files` names (their schemas), and fails the render when a stack
 * alert would fall through to a receiver that sends nothing, or when an inhibit rule's source matchers (parsed as
 * Alertmanager parses them) match no alert a rule produces. Nothing to check fails too: no `alertmanager.yml`, no
 * `prometheus.yml`, a rule file it names that is not rendered, or no alerting rule at all.
 */
export const alertRoutingCheck: StackCheck = {
  name: 'alerts route to receivers that notify',
  check(ctx, bundles) {
    const { env } = ctx;
    const amNode = nodeWithRole(env, 'alertmanager');
    const promNode = nodeWithRole(env, 'prometheus');
    const nodeIndex = (name: string) => env.nodes.findIndex((n) => n.name === name);
    const configPath = nodePath(env, amNode, ALERTMANAGER_PATHS.config);
    const promPath = nodePath(env, promNode, PROMETHEUS_PATHS.config);
    const configArtifact = bundles.get(amNode.name)?.find((a) => a.path === configPath);
    const promArtifact = bundles.get(promNode.name)?.find((a) => a.path === promPath);
    const problems: Diagnostic[] = [];
    const missing = (node: string, path: string, what: string) =>
      problems.push({
        path: ['nodes', nodeIndex(node)],
        message: `${node}:${path} is not rendered: ${what}, nothing to check alert routing with`,
      });
    if (!configArtifact) missing(amNode.name, configPath, 'no Alertmanager config');
    if (!promArtifact) missing(promNode.name, promPath, 'no Prometheus config (its rule files)');
    if (!configArtifact || !promArtifact) return problems;
    const config = parseAlertmanagerConfig(configArtifact.content, configPath);
    const prometheus = prometheusConfigSchema.parse(parseYaml(promArtifact));
    const rules: AlertRuleLabels[] = [];
    for (const file of prometheus.rule_files ?? []) {
      const artifact = bundles.get(promNode.name)?.find((a) => a.path === file);
      if (!artifact) missing(promNode.name, file, `no rule file (${promPath} loads it)`);
      else rules.push(...alertRulesIn(ruleFileSchema.parse(parseYaml(artifact)), file));
    }
    if (rules.length === 0 && problems.length === 0) {
      problems.push({
        path: ['nodes', nodeIndex(promNode.name)],
        message: `${promNode.name}:${promPath}: its rule files hold no alerting rule, nothing to check alert routing with`,
      });
    }
    if (problems.length > 0) return problems;
    const at = (d: Diagnostic): Diagnostic => ({ ...d, message: `${configPath}: ${d.message}` });
    problems.push(...checkAlertRouting(config, rules).map(at));
    (config.inhibit_rules ?? []).forEach((inhibit, i) => {
      const matchers = sourceMatchers(inhibit);
      if (rules.some((r) => canSource(matchers, r))) return;
      const names = matchers.filter((m) => m.name === 'alertname' && m.type === '=').map((m) => m.value);
      const what = names.length > 0 ? `alert ${names.join(', ')}` : `an alert matching ${formatMatcherList(matchers)}`;
      problems.push(
        at({
          path: ['inhibit_rules', i, 'source_matchers'],
          message: `inhibit rule waits for ${what}, which no Prometheus rule of the stack produces`,
        }),
      );
    });
    return problems;
  },
};
