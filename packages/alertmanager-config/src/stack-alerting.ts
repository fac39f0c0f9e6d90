import { type Environment, type NodeSpec, nodeFqdn, nodesWithRole } from '@chatops/environment';
import { type AlertInhibition, WATCHDOG_ALERT, alertInhibitions, defaultAlertRules } from '@chatops/prometheus-rules';
import type { AlertmanagerConfigInput, InhibitRule, Receiver, Route } from './alertmanager-config.js';
import { SLACK_TEMPLATE_NAMES } from './slack-template.js';

/** Alert names of the stack's rules that mean "everything else on this node is a consequence". */
export const STACK_INHIBITING_ALERTS = {
  /** The node itself is unreachable: mutes every other alert with the same `node` label. */
  nodeDown: 'NodeDown',
  /** One scrape target is down: mutes alerts with the same `node` and `job` (those computed from its metrics). */
  targetDown: 'TargetDown',
} as const;

/** Alerts about the alerting itself, which the stack routes on their own. */
export const STACK_META_ALERTS = {
  /** Always firing; sent only to the dead-man's switch. */
  watchdog: WATCHDOG_ALERT,
  /** A notification integration fails: sent through the other receiver (label `integration`). */
  notificationsFailing: 'AlertmanagerNotificationsFailing',
} as const;

/** Receiver names of the stack's config. */
export const STACK_RECEIVERS = { slack: 'slack', email: 'email', watchdog: 'watchdog' } as const;

/** Node paths the stack's config refers to. */
export interface StackAlertingFiles {
  /** File holding the Slack webhook URL (`slack_api_url_file`); required when Slack is configured. @default none */
  readonly slackApiUrlFile?: string;
  /** File holding the SMTP password (`smtp_auth_password_file`), when the environment has one. @default none */
  readonly smtpPasswordFile?: string;
  /** File holding the dead-man's switch URL; required when `alerting.deadMansSwitch` is set. @default none */
  readonly deadMansSwitchUrlFile?: string;
  /** Template files to load (`templates:`). */
  readonly templates: readonly string[];
}

export interface StackAlertingProps {
  /** Labels that make duplicate alerts one notification. @default ['alertname'] */
  readonly groupBy?: readonly string[];
  /**
   * Which alerts mute which while they fire (`inhibit_rules`).
   * @default alertInhibitions(defaultAlertRules(env), env): derived from the stack's own rules and the environment
   */
  readonly inhibitions?: readonly AlertInhibition[];
}

function inhibitRule(i: AlertInhibition): InhibitRule {
  const source = [
    `alertname="${i.source.alertname}"`,
    ...(i.source.severity ? [`severity="${i.source.severity}"`] : []),
    ...(i.source.matchers ?? []),
  ];
  const target =
    'except' in i.target
      ? [
          i.target.except.length === 1 ? `alertname!="${i.target.except[0]}"` : `alertname!~"${i.target.except.join('|')}"`,
          ...(i.target.matchers ?? []),
        ]
      : [
          i.target.alertnames.length === 1 ? `alertname="${i.target.alertnames[0]}"` : `alertname=~"${i.target.alertnames.join('|')}"`,
          ...(i.target.severity ? [`severity="${i.target.severity}"`] : []),
          ...(i.target.matchers ?? []),
        ];
  return { source_matchers: source, target_matchers: target, ...(i.equal.length > 0 ? { equal: [...i.equal] } : {}) };
}

/**
 * The stack's alerting, derived from the environment:
 * - critical alerts go to Slack AND e-mail (two routes, the first with `continue`), so an outage of Slack or of
 *   the ChatOps app never silences them; everything else goes to Slack (e-mail when there is no Slack);
 * - a failing integration is reported through the other one (`AlertmanagerNotificationsFailing` with
 *   `integration="slack"` goes by e-mail, with `integration="email"` to Slack);
 * - the always-firing Watchdog goes only to the dead-man's switch (`alerting.deadMansSwitch`; without one, to a
 *   receiver that sends nothing, and the alert is watched through Alertmanager's API);
 * - alerts are grouped by `alertname` only, so N instances of one problem make one notification;
 * - a wider alert mutes the narrower ones one fault raises with it, as the rules declare (`alertInhibitions`);
 * - secrets are referenced by file (`slack_api_url_file`, `smtp_auth_password_file`), never inlined.
 */
export function stackAlertmanagerConfig(
  env: Environment,
  files: StackAlertingFiles,
  props: StackAlertingProps = {},
): AlertmanagerConfigInput {
  const { slack, email, deadMansSwitch } = env.alerting;
  const receivers: Receiver[] = [];
  if (slack) {
    if (!files.slackApiUrlFile) throw new Error('stackAlertmanagerConfig: slackApiUrlFile is required when alerting.slack is set');
    receivers.push({
      name: STACK_RECEIVERS.slack,
      slack_configs: [
        {
          send_resolved: true,
          channel: slack.channel,
          title: `{{ template "${SLACK_TEMPLATE_NAMES.title}" . }}`,
          text: `{{ template "${SLACK_TEMPLATE_NAMES.text}" . }}`,
          color: `{{ template "${SLACK_TEMPLATE_NAMES.color}" . }}`,
        },
      ],
    });
  }
  if (email) receivers.push({ name: STACK_RECEIVERS.email, email_configs: [{ send_resolved: true, to: email.to.join(', ') }] });
  if (deadMansSwitch && !files.deadMansSwitchUrlFile)
    throw new Error('stackAlertmanagerConfig: deadMansSwitchUrlFile is required when alerting.deadMansSwitch is set');
  receivers.push({
    name: STACK_RECEIVERS.watchdog,
    // Alertmanager 0.25's webhook has no url_file, and the URL is a secret: a Slack integration's api_url_file
    // POSTs a small JSON body to it, which is all a dead-man's-switch ping needs.
    ...(deadMansSwitch
      ? {
          slack_configs: [
            { send_resolved: false, api_url_file: files.deadMansSwitchUrlFile, title: '{{ .CommonLabels.alertname }}', text: 'ping' },
          ],
        }
      : {}),
  });

  const critical = 'severity="critical"';
  const failing = `alertname="${STACK_META_ALERTS.notificationsFailing}"`;
  const routes: Route[] = [
    {
      receiver: STACK_RECEIVERS.watchdog,
      matchers: [`alertname="${STACK_META_ALERTS.watchdog}"`],
      ...(deadMansSwitch ? { group_wait: '0s', group_interval: deadMansSwitch.interval, repeat_interval: deadMansSwitch.interval } : {}),
    },
    ...(slack && email
      ? [
          { receiver: STACK_RECEIVERS.email, matchers: [failing, 'integration="slack"'] },
          { receiver: STACK_RECEIVERS.slack, matchers: [failing, 'integration="email"'] },
          { receiver: STACK_RECEIVERS.slack, matchers: [critical], continue: true },
          { receiver: STACK_RECEIVERS.email, matchers: [critical] },
        ]
      : []),
  ];
  return {
    global: {
      resolve_timeout: '5m',
      ...(email
        ? {
            smtp_from: email.from,
            // EHLO with the node's own name (Alertmanager says "localhost" otherwise, which many relays refuse).
            ...(nodesWithRole(env, 'alertmanager')[0]
              ? { smtp_hello: nodeFqdn(env, nodesWithRole(env, 'alertmanager')[0] as NodeSpec) }
              : {}),
            smtp_smarthost: email.smarthost,
            smtp_auth_username: email.username,
            smtp_auth_password_file: files.smtpPasswordFile,
            smtp_require_tls: email.requireTls,
          }
        : {}),
      ...(slack ? { slack_api_url_file: files.slackApiUrlFile } : {}),
    },
    templates: [...files.templates],
    route: {
      receiver: slack ? STACK_RECEIVERS.slack : STACK_RECEIVERS.email,
      group_by: [...(props.groupBy ?? ['alertname'])],
      group_wait: env.alerting.groupWait,
      group_interval: env.alerting.groupInterval,
      repeat_interval: env.alerting.repeatInterval,
      routes,
    },
    receivers,
    inhibit_rules: (props.inhibitions ?? alertInhibitions(defaultAlertRules(env), env)).map(inhibitRule),
  };
}
