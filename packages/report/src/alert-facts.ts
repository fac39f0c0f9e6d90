import { RouteSimulator, stackAlertmanagerConfig } from '@chatops/alertmanager-config';
import type { Environment } from '@chatops/environment';
import { defaultAlertRules } from '@chatops/prometheus-rules';
import type { AlertFact } from './report-page.js';

/**
 * Every default alert rule with the receivers Alertmanager's routing tree sends it to (by the route simulator,
 * on the stack's own typed config) and the inhibit rules it takes part in.
 */
export function alertFacts(env: Environment): AlertFact[] {
  // File paths only name where secrets live on the node; they do not change routing. Each is given only when the
  // environment has that secret, as the renderer does (the config refuses a password file without a username).
  const alerting = env.alerting;
  const files = {
    ...(alerting.slack ? { slackApiUrlFile: '/secret' } : {}),
    ...(alerting.email?.password ? { smtpPasswordFile: '/secret' } : {}),
    ...(alerting.deadMansSwitch ? { deadMansSwitchUrlFile: '/secret' } : {}),
  };
  const sim = new RouteSimulator(stackAlertmanagerConfig(env, { ...files, templates: [] }));
  const inhibit = sim.config.inhibit_rules ?? [];
  const names = (ms: readonly string[] | undefined) => (ms ?? []).join(', ') || 'any alert';
  return defaultAlertRules(env).groups.flatMap((g) =>
    g.rules.flatMap((r) => {
      if (!('alert' in r) || !r.alert) return [];
      const labels = { ...r.labels, alertname: r.alert };
      const inhibitions = inhibit.flatMap((rule) =>
        (rule.source_matchers ?? []).some(
          (m) => m.replace(/\s/g, '') === `alertname="${r.alert}"` || m.replace(/\s/g, '') === `alertname=${r.alert}`,
        )
          ? [`mutes ${names(rule.target_matchers)} with the same ${(rule.equal ?? []).join(', ')}`]
          : [],
      );
      return [{ rule: r.alert, severity: r.labels?.severity ?? '', receivers: sim.receivers(labels), inhibitions }];
    }),
  );
}
