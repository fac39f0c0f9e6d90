import type { Environment } from '@chatops/environment';
import type { AlertmanagerConfigInput, Receiver, Route } from './alertmanager-config.js';
import { SLACK_TEMPLATE_NAMES } from './slack-template.js';

/** Alert names of the stack's rules that mean "everything else on this node is a consequence". */
export const STACK_INHIBITING_ALERTS = {
  /** The node itself is unreachable: mutes every other alert with the same `node` label. */
  nodeDown: 'NodeDown',
  /** One scrape target is down: mutes alerts with the same `node` and `job` (those computed from its metrics). */
  targetDown: 'TargetDown',
} as const;

/** Receiver names of the stack's config. */
export const STACK_RECEIVERS = { slack: 'slack', email: 'email' } as const;

/** Node paths the stack's config refers to. */
export interface StackAlertingFiles {
  /** File holding the Slack webhook URL (`slack_api_url_file`); required when Slack is configured. @default none */
  readonly slackApiUrlFile?: string;
  /** File holding the SMTP password (`smtp_auth_password_file`), when the environment has one. @default none */
  readonly smtpPasswordFile?: string;
  /** Template files to load (`templates:`). */
  readonly templates: readonly string[];
}

export interface StackAlertingProps {
  /** Labels that make duplicate alerts one notification. @default ['alertname'] */
  readonly groupBy?: readonly string[];
  /** The label every stack alert carries naming its node. @default 'node' */
  readonly nodeLabel?: string;
  /** @default STACK_INHIBITING_ALERTS.nodeDown */
  readonly nodeDownAlert?: string;
  /** @default STACK_INHIBITING_ALERTS.targetDown */
  readonly targetDownAlert?: string;
}

/**
 * The stack's alerting, derived from the environment:
 * - critical alerts go to Slack AND e-mail (two routes, the first with `continue`), so an outage of Slack or of
 *   the ChatOps app never silences them; everything else goes to Slack (e-mail when there is no Slack);
 * - alerts are grouped by `alertname` only, so N instances of one problem make one notification;
 * - a node that is down mutes every other alert on it; a scrape target that is down mutes the alerts computed
 *   from its metrics on that node;
 * - secrets are referenced by file (`slack_api_url_file`, `smtp_auth_password_file`), never inlined.
 */
export function stackAlertmanagerConfig(env: Environment, files: StackAlertingFiles, props: StackAlertingProps = {}): AlertmanagerConfigInput {
  const { slack, email } = env.alerting;
  const node = props.nodeLabel ?? 'node';
  const nodeDown = props.nodeDownAlert ?? STACK_INHIBITING_ALERTS.nodeDown;
  const targetDown = props.targetDownAlert ?? STACK_INHIBITING_ALERTS.targetDown;
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

  const critical = 'severity="critical"';
  const routes: Route[] =
    slack && email
      ? [
          { receiver: STACK_RECEIVERS.slack, matchers: [critical], continue: true },
          { receiver: STACK_RECEIVERS.email, matchers: [critical] },
        ]
      : [];
  return {
    global: {
      resolve_timeout: '5m',
      ...(email
        ? {
            smtp_from: email.from,
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
      ...(routes.length > 0 ? { routes } : {}),
    },
    receivers,
    inhibit_rules: [
      {
        source_matchers: [`alertname="${nodeDown}"`, critical],
        target_matchers: [`alertname!="${nodeDown}"`],
        equal: [node],
      },
      {
        source_matchers: [`alertname="${targetDown}"`, critical],
        target_matchers: [`alertname!~"${nodeDown}|${targetDown}"`],
        equal: [node, 'job'],
      },
    ],
  };
}
