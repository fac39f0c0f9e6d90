import type { Artifact, Diagnostic } from '@chatops/core';
import { type StackCheck, nodePath, nodeWithRole } from '@chatops/environment';
import { load } from 'js-yaml';
import type { AlertmanagerConfig, Receiver } from './alertmanager-config.js';
import { ALERTMANAGER_PATHS } from './alertmanager-renderer.js';
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

/** Alerting rules found in a Prometheus rule file's text (`groups[].rules[]` with `alert`). */
export function alertRulesIn(text: string, source?: string): AlertRuleLabels[] {
  let doc: unknown;
  try {
    doc = load(text);
  } catch {
    return [];
  }
  const groups = (doc as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) return [];
  const out: AlertRuleLabels[] = [];
  for (const g of groups) {
    const rules = (g as { rules?: unknown } | null)?.rules;
    if (!Array.isArray(rules)) continue;
    for (const r of rules) {
      const rule = r as { alert?: unknown; labels?: Record<string, unknown> } | null;
      if (typeof rule?.alert !== 'string') continue;
      const labels = Object.fromEntries(Object.entries(rule.labels ?? {}).map(([k, v]) => [k, String(v)]));
      out.push({ alert: rule.alert, labels, ...(source ? { source } : {}) });
    }
  }
  return out;
}

/** Alert names the inhibit rules expect as sources (`alertname="X"` source matchers). */
function inhibitingAlertNames(config: AlertmanagerConfig): { rule: number; name: string }[] {
  return (config.inhibit_rules ?? []).flatMap((r, i) =>
    (r.source_matchers ?? []).flatMap((m) => {
      const hit = /^\s*alertname\s*=\s*"?([A-Za-z_:][A-Za-z0-9_:]*)"?\s*$/.exec(m);
      return hit ? [{ rule: i, name: hit[1] as string }] : [];
    }),
  );
}

/**
 * Stack check: reads the rendered `alertmanager.yml` and every Prometheus rule file the stack renders, and fails
 * the render when a stack alert would fall through to a receiver that sends nothing, or when an inhibit rule
 * waits for an alert no rule produces. (When no rule file is rendered yet, only the config itself is checked.)
 */
export const alertRoutingCheck: StackCheck = {
  name: 'alerts route to receivers that notify',
  check(ctx, bundles) {
    const { env } = ctx;
    const amNode = nodeWithRole(env, 'alertmanager');
    const configPath = nodePath(env, amNode, ALERTMANAGER_PATHS.config);
    const configArtifact = bundles.get(amNode.name)?.find((a) => a.path === configPath);
    if (!configArtifact) return [];
    const config = load(configArtifact.content) as AlertmanagerConfig;
    const rules: AlertRuleLabels[] = [];
    const promNode = nodeWithRole(env, 'prometheus');
    for (const a of bundles.get(promNode.name) ?? ([] as Artifact[])) {
      if (a.service !== 'prometheus' || a.secret || !/\.ya?ml$/.test(a.path)) continue;
      rules.push(...alertRulesIn(a.content, a.path));
    }
    const at = (d: Diagnostic): Diagnostic => ({ ...d, message: `${configPath}: ${d.message}` });
    const problems = checkAlertRouting(config, rules).map(at);
    if (rules.length > 0) {
      const names = new Set(rules.map((r) => r.alert));
      for (const { rule, name } of inhibitingAlertNames(config)) {
        if (!names.has(name)) {
          problems.push(
            at({
              path: ['inhibit_rules', rule, 'source_matchers'],
              message: `inhibit rule waits for alert ${name}, which no Prometheus rule of the stack produces`,
            }),
          );
        }
      }
    }
    return problems;
  },
};
