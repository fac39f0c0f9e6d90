import { absolutePath, duration, hostPort, labelName } from '@chatops/core';
import { z } from 'zod';
import { MatcherSyntaxError, parseMatchers } from './matchers.js';

/** A `matchers:` entry: one or more matchers in Alertmanager's syntax, checked by our own parser. */
export const matcherText = z.string().superRefine((value, ctx) => {
  try {
    if (parseMatchers(value).length === 0) ctx.addIssue({ code: 'custom', message: 'empty matcher' });
  } catch (e) {
    if (e instanceof MatcherSyntaxError) ctx.addIssue({ code: 'custom', message: e.message });
    else throw e;
  }
});

const url = z.url({ message: 'expected an absolute URL' });
const filePath = absolutePath;

/** Alertmanager's `tls_config` (client side). */
export const tlsConfigSchema = z.strictObject({
  ca_file: filePath.optional(),
  cert_file: filePath.optional(),
  key_file: filePath.optional(),
  server_name: z.string().optional(),
  insecure_skip_verify: z.boolean().optional(),
  min_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
  max_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
});

/** Alertmanager's `http_config` (the common Prometheus HTTP client config; the subset we use and check). */
export const httpConfigSchema = z
  .strictObject({
    basic_auth: z
      .strictObject({ username: z.string().min(1), password: z.string().optional(), password_file: filePath.optional() })
      .refine((b) => !(b.password && b.password_file), { message: 'at most one of password and password_file' })
      .optional(),
    authorization: z
      .strictObject({ type: z.string().optional(), credentials: z.string().optional(), credentials_file: filePath.optional() })
      .refine((a) => !(a.credentials && a.credentials_file), { message: 'at most one of credentials and credentials_file' })
      .optional(),
    tls_config: tlsConfigSchema.optional(),
    proxy_url: url.optional(),
    follow_redirects: z.boolean().optional(),
    enable_http2: z.boolean().optional(),
  })
  .refine((h) => !(h.basic_auth && h.authorization), { message: 'at most one of basic_auth and authorization' });

/** `global:` — defaults every receiver inherits. */
export const globalSchema = z
  .strictObject({
    /** Time after which an alert without an end time is declared resolved. @default 5m */
    resolve_timeout: duration.optional(),
    http_config: httpConfigSchema.optional(),
    smtp_from: z.string().min(1).optional(),
    smtp_hello: z.string().min(1).optional(),
    smtp_smarthost: hostPort.optional(),
    smtp_auth_username: z.string().optional(),
    smtp_auth_password: z.string().optional(),
    smtp_auth_password_file: filePath.optional(),
    smtp_auth_identity: z.string().optional(),
    smtp_auth_secret: z.string().optional(),
    smtp_require_tls: z.boolean().optional(),
    slack_api_url: url.optional(),
    slack_api_url_file: filePath.optional(),
  })
  .refine((g) => !(g.slack_api_url && g.slack_api_url_file), {
    message: 'at most one of slack_api_url and slack_api_url_file',
    path: ['slack_api_url_file'],
  })
  .refine((g) => !(g.smtp_auth_password && g.smtp_auth_password_file), {
    message: 'at most one of smtp_auth_password and smtp_auth_password_file',
    path: ['smtp_auth_password_file'],
  });

const slackField = z.strictObject({ title: z.string().min(1), value: z.string().min(1), short: z.boolean().optional() });
const slackAction = z.strictObject({
  type: z.string().min(1),
  text: z.string().min(1),
  url: z.string().optional(),
  style: z.string().optional(),
  name: z.string().optional(),
  value: z.string().optional(),
  confirm: z
    .strictObject({
      title: z.string().optional(),
      text: z.string().min(1),
      ok_text: z.string().optional(),
      dismiss_text: z.string().optional(),
    })
    .optional(),
});

/** One Slack integration of a receiver. */
export const slackConfigSchema = z
  .strictObject({
    send_resolved: z.boolean().optional(),
    api_url: url.optional(),
    api_url_file: filePath.optional(),
    channel: z.string().optional(),
    username: z.string().optional(),
    color: z.string().optional(),
    title: z.string().optional(),
    title_link: z.string().optional(),
    pretext: z.string().optional(),
    text: z.string().optional(),
    fields: z.array(slackField).optional(),
    short_fields: z.boolean().optional(),
    footer: z.string().optional(),
    fallback: z.string().optional(),
    callback_id: z.string().optional(),
    icon_emoji: z.string().optional(),
    icon_url: z.string().optional(),
    image_url: z.string().optional(),
    thumb_url: z.string().optional(),
    link_names: z.boolean().optional(),
    mrkdwn_in: z.array(z.string()).optional(),
    actions: z.array(slackAction).optional(),
    http_config: httpConfigSchema.optional(),
  })
  .refine((s) => !(s.api_url && s.api_url_file), { message: 'at most one of api_url and api_url_file', path: ['api_url_file'] });

/** One e-mail integration of a receiver. */
export const emailConfigSchema = z
  .strictObject({
    send_resolved: z.boolean().optional(),
    to: z.string().min(1),
    from: z.string().min(1).optional(),
    hello: z.string().optional(),
    smarthost: hostPort.optional(),
    auth_username: z.string().optional(),
    auth_password: z.string().optional(),
    auth_password_file: filePath.optional(),
    auth_secret: z.string().optional(),
    auth_identity: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    html: z.string().optional(),
    text: z.string().optional(),
    require_tls: z.boolean().optional(),
    tls_config: tlsConfigSchema.optional(),
  })
  .refine((e) => !(e.auth_password && e.auth_password_file), {
    message: 'at most one of auth_password and auth_password_file',
    path: ['auth_password_file'],
  });

/** One webhook integration of a receiver. */
export const webhookConfigSchema = z.strictObject({
  url: url,
  send_resolved: z.boolean().optional(),
  max_alerts: z.number().int().min(0).optional(),
  http_config: httpConfigSchema.optional(),
});

/** A named notification target. A receiver without integrations sends nothing (it is a black hole). */
export const receiverSchema = z.strictObject({
  name: z.string().min(1),
  slack_configs: z.array(slackConfigSchema).optional(),
  email_configs: z.array(emailConfigSchema).optional(),
  webhook_configs: z.array(webhookConfigSchema).optional(),
});

const groupByLabel = z.union([z.literal('...'), labelName]);

export interface Route {
  receiver?: string | undefined;
  group_by?: string[] | undefined;
  continue?: boolean | undefined;
  matchers?: string[] | undefined;
  /** @deprecated use `matchers` */
  match?: Record<string, string> | undefined;
  /** @deprecated use `matchers` */
  match_re?: Record<string, string> | undefined;
  group_wait?: string | undefined;
  group_interval?: string | undefined;
  repeat_interval?: string | undefined;
  mute_time_intervals?: string[] | undefined;
  active_time_intervals?: string[] | undefined;
  routes?: Route[] | undefined;
}

/** A node of the routing tree; children inherit every option they do not set. */
export const routeSchema: z.ZodType<Route> = z.lazy(() =>
  z.strictObject({
    receiver: z.string().min(1).optional(),
    matchers: z.array(matcherText).optional(),
    match: z.record(labelName, z.string()).optional(),
    match_re: z.record(labelName, z.string()).optional(),
    continue: z.boolean().optional(),
    group_by: z.array(groupByLabel).optional(),
    group_wait: duration.optional(),
    group_interval: duration.optional(),
    repeat_interval: duration.optional(),
    mute_time_intervals: z.array(z.string().min(1)).optional(),
    active_time_intervals: z.array(z.string().min(1)).optional(),
    routes: z.array(routeSchema).optional(),
  }),
);

/** Mutes alerts matching `target_matchers` while an alert matching `source_matchers` fires with the same `equal` labels. */
export const inhibitRuleSchema = z.strictObject({
  source_matchers: z.array(matcherText).optional(),
  target_matchers: z.array(matcherText).optional(),
  equal: z.array(labelName).optional(),
  /** @deprecated use `source_matchers` */
  source_match: z.record(labelName, z.string()).optional(),
  /** @deprecated use `source_matchers` */
  source_match_re: z.record(labelName, z.string()).optional(),
  /** @deprecated use `target_matchers` */
  target_match: z.record(labelName, z.string()).optional(),
  /** @deprecated use `target_matchers` */
  target_match_re: z.record(labelName, z.string()).optional(),
});

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function rangeOf(check: (part: string) => boolean, what: string) {
  return z
    .string()
    .refine((v) => v.split(':').length <= 2 && v.split(':').every((p) => check(p.toLowerCase())), { message: `expected ${what}` });
}
const clock = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** One time interval: every given field must match. */
export const timeIntervalSpecSchema = z.strictObject({
  times: z
    .array(
      z.strictObject({
        start_time: z.string().regex(clock, { message: 'expected HH:MM' }),
        end_time: z.string().regex(clock, { message: 'expected HH:MM' }),
      }),
    )
    .optional(),
  weekdays: z.array(rangeOf((p) => WEEKDAYS.includes(p), 'a weekday or weekday range like monday:friday')).optional(),
  days_of_month: z
    .array(
      rangeOf(
        (p) => /^-?\d{1,2}$/.test(p) && Math.abs(Number(p)) >= 1 && Math.abs(Number(p)) <= 31,
        'a day of month (1..31, -31..-1) or range',
      ),
    )
    .optional(),
  months: z
    .array(
      rangeOf((p) => MONTHS.includes(p) || (/^\d{1,2}$/.test(p) && Number(p) >= 1 && Number(p) <= 12), 'a month (name or 1..12) or range'),
    )
    .optional(),
  years: z.array(rangeOf((p) => /^\d{4}$/.test(p), 'a year or year range like 2024:2025')).optional(),
  location: z
    .string()
    .refine(
      (tz) => {
        if (tz === 'Local' || tz === 'UTC') return true;
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { message: 'expected an IANA time zone like Europe/London' },
    )
    .optional(),
});

export const timeIntervalSchema = z.strictObject({
  name: z.string().min(1),
  time_intervals: z.array(timeIntervalSpecSchema),
});

/** The whole `alertmanager.yml` (Alertmanager 0.25; Slack, e-mail and webhook integrations). */
export const alertmanagerConfigSchema = z.strictObject({
  global: globalSchema.optional(),
  templates: z.array(z.string().min(1)).optional(),
  route: routeSchema,
  receivers: z.array(receiverSchema).min(1),
  inhibit_rules: z.array(inhibitRuleSchema).optional(),
  time_intervals: z.array(timeIntervalSchema).optional(),
});

export type AlertmanagerConfig = z.output<typeof alertmanagerConfigSchema>;
export type AlertmanagerConfigInput = z.input<typeof alertmanagerConfigSchema>;
export type GlobalConfig = z.output<typeof globalSchema>;
export type Receiver = z.output<typeof receiverSchema>;
export type SlackConfig = z.output<typeof slackConfigSchema>;
export type EmailConfig = z.output<typeof emailConfigSchema>;
export type WebhookConfig = z.output<typeof webhookConfigSchema>;
export type InhibitRule = z.output<typeof inhibitRuleSchema>;
export type TimeInterval = z.output<typeof timeIntervalSchema>;
export type HttpConfig = z.output<typeof httpConfigSchema>;
export type TlsConfig = z.output<typeof tlsConfigSchema>;
