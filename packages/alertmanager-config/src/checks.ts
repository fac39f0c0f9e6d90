import { type Diagnostic, type DocumentPath, durationMs, validateWith } from '@chatops/core';
import { type AlertmanagerConfig, type AlertmanagerConfigInput, type Route, alertmanagerConfigSchema } from './alertmanager-config.js';
import { MatcherSyntaxError, parseMatcher } from './matchers.js';

/**
 * Semantic checks on a parsed config: what Alertmanager 0.25 rejects at load time (so errors carry our document
 * paths instead of a Go unmarshal message), plus a few mistakes it accepts silently.
 */
export function checkAlertmanagerConfig(config: AlertmanagerConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const problem = (path: DocumentPath, message: string) => out.push({ path, message });

  const receivers = new Set<string>();
  config.receivers.forEach((r, i) => {
    if (receivers.has(r.name)) problem(['receivers', i, 'name'], `notification config name "${r.name}" is not unique`);
    receivers.add(r.name);
  });
  const intervals = new Set<string>();
  (config.time_intervals ?? []).forEach((t, i) => {
    if (intervals.has(t.name)) problem(['time_intervals', i, 'name'], `time interval "${t.name}" is not unique`);
    intervals.add(t.name);
  });

  const root = config.route;
  if (!root.receiver) problem(['route', 'receiver'], 'root route must specify a default receiver');
  if (root.matchers?.length || Object.keys(root.match ?? {}).length || Object.keys(root.match_re ?? {}).length) {
    problem(['route', 'matchers'], 'root route must not have any matchers');
  }
  if (root.continue) problem(['route', 'continue'], 'cannot have continue in root route');
  if (root.mute_time_intervals?.length) problem(['route', 'mute_time_intervals'], 'root route must not have any mute time intervals');
  if (root.active_time_intervals?.length) problem(['route', 'active_time_intervals'], 'root route must not have any active time intervals');

  const walk = (route: Route, path: DocumentPath, inherited: { groupInterval: string; repeatInterval: string }) => {
    if (route.receiver !== undefined && !receivers.has(route.receiver)) {
      problem([...path, 'receiver'], `undefined receiver "${route.receiver}" used in route`);
    }
    const groupBy = route.group_by ?? [];
    const seen = new Set<string>();
    groupBy.forEach((label, i) => {
      if (seen.has(label)) problem([...path, 'group_by', i], `duplicated label "${label}" in group_by`);
      seen.add(label);
    });
    if (groupBy.includes('...') && groupBy.length > 1)
      problem([...path, 'group_by'], "cannot have wildcard group_by ('...') and other labels at the same time");
    for (const [label, re] of Object.entries(route.match_re ?? {})) {
      try {
        parseMatcher(`${label}=~${JSON.stringify(re)}`);
      } catch (e) {
        if (e instanceof MatcherSyntaxError) problem([...path, 'match_re', label], e.message);
        else throw e;
      }
    }
    for (const key of ['mute_time_intervals', 'active_time_intervals'] as const) {
      (route[key] ?? []).forEach((name, i) => {
        if (!intervals.has(name)) problem([...path, key, i], `undefined time interval "${name}" used in route`);
      });
    }
    if (route.group_interval !== undefined && durationMs(route.group_interval) === 0)
      problem([...path, 'group_interval'], 'group_interval cannot be zero');
    if (route.repeat_interval !== undefined && durationMs(route.repeat_interval) === 0)
      problem([...path, 'repeat_interval'], 'repeat_interval cannot be zero');
    const effective = {
      groupInterval: route.group_interval ?? inherited.groupInterval,
      repeatInterval: route.repeat_interval ?? inherited.repeatInterval,
    };
    const setsEither = route.group_interval !== undefined || route.repeat_interval !== undefined;
    if (setsEither && durationMs(effective.repeatInterval) < durationMs(effective.groupInterval)) {
      problem(
        [...path, route.repeat_interval !== undefined ? 'repeat_interval' : 'group_interval'],
        `repeat_interval (${effective.repeatInterval}) is shorter than group_interval (${effective.groupInterval}): repeats would only go out every group_interval`,
      );
    }
    (route.routes ?? []).forEach((child, i) => walk(child, [...path, 'routes', i], effective));
  };
  walk(root, ['route'], { groupInterval: '5m', repeatInterval: '4h' });

  const g = config.global ?? {};
  if ((g.smtp_auth_password || g.smtp_auth_password_file) && !g.smtp_auth_username) {
    problem(
      ['global', 'smtp_auth_username'],
      'an SMTP password without smtp_auth_username is never used: Alertmanager only authenticates with a username',
    );
  }
  config.receivers.forEach((r, i) => {
    (r.email_configs ?? []).forEach((e, j) => {
      const at = ['receivers', i, 'email_configs', j];
      if ((e.auth_password || e.auth_password_file) && !e.auth_username && !g.smtp_auth_username) {
        problem(
          [...at, 'auth_username'],
          'an SMTP password without auth_username is never used: Alertmanager only authenticates with a username',
        );
      }
      if (!e.smarthost && !g.smtp_smarthost) problem([...at, 'smarthost'], 'no global SMTP smarthost set');
      if (!e.from && !g.smtp_from) problem([...at, 'from'], 'no global SMTP from set');
    });
    (r.slack_configs ?? []).forEach((s, j) => {
      if (!s.api_url && !s.api_url_file && !g.slack_api_url && !g.slack_api_url_file) {
        problem(['receivers', i, 'slack_configs', j, 'api_url'], 'no global Slack API URL set');
      }
    });
  });

  const deprecatedInhibit = ['source_match', 'source_match_re', 'target_match', 'target_match_re'] as const;
  (config.inhibit_rules ?? []).forEach((rule, i) => {
    for (const key of ['source_match_re', 'target_match_re'] as const) {
      for (const [label, re] of Object.entries(rule[key] ?? {})) {
        try {
          parseMatcher(`${label}=~${JSON.stringify(re)}`);
        } catch (e) {
          if (e instanceof MatcherSyntaxError) problem(['inhibit_rules', i, key, label], e.message);
          else throw e;
        }
      }
    }
    const hasSource =
      (rule.source_matchers?.length ?? 0) > 0 || deprecatedInhibit.slice(0, 2).some((k) => Object.keys(rule[k] ?? {}).length > 0);
    const hasTarget =
      (rule.target_matchers?.length ?? 0) > 0 || deprecatedInhibit.slice(2).some((k) => Object.keys(rule[k] ?? {}).length > 0);
    // Alertmanager accepts these, but an empty side matches every alert: one firing alert would mute everything.
    if (!hasSource)
      problem(['inhibit_rules', i, 'source_matchers'], 'inhibit rule has no source matchers: every alert would inhibit its targets');
    if (!hasTarget) problem(['inhibit_rules', i, 'target_matchers'], 'inhibit rule has no target matchers: it would mute every alert');
  });
  return out;
}

/** Parses with the strict schema, then runs {@link checkAlertmanagerConfig}; throws a `ConfigError` listing every problem. */
export function validateAlertmanagerConfig(input: AlertmanagerConfigInput | unknown, where: { file?: string } = {}): AlertmanagerConfig {
  return validateWith(alertmanagerConfigSchema, input, where, checkAlertmanagerConfig);
}
