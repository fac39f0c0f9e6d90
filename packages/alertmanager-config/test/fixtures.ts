import type { AlertmanagerConfigInput } from '@chatops/alertmanager-config';

/** A hand-written config exercising every part of the model (no secrets inline: files only). */
export const sampleConfig: AlertmanagerConfigInput = {
  global: {
    resolve_timeout: '5m',
    smtp_from: 'alerts@example.org',
    smtp_smarthost: 'smtp.example.org:587',
    smtp_auth_username: 'alerts',
    smtp_auth_password_file: '/etc/alertmanager/secrets/smtp-password',
    smtp_require_tls: true,
    slack_api_url_file: '/etc/alertmanager/secrets/slack-webhook-url',
  },
  templates: ['/etc/prometheus/alertmanager_templates/*.tmpl'],
  route: {
    receiver: 'slack',
    group_by: ['alertname'],
    group_wait: '10s',
    group_interval: '5m',
    repeat_interval: '3h',
    routes: [
      { receiver: 'slack', matchers: ['severity="critical"'], continue: true },
      { receiver: 'email', matchers: ['severity="critical"'] },
      {
        receiver: 'db-team',
        matchers: ['{service=~"postgres|mysql", env!="dev"}'],
        group_by: ['alertname', 'cluster'],
        routes: [{ receiver: 'pager', matchers: ['severity="page"'], group_wait: '0s', mute_time_intervals: ['offhours'] }],
      },
      { receiver: 'null', match: { team: 'nobody' } },
      { receiver: 'webhook', match_re: { service: 'web.*' }, group_by: ['...'] },
    ],
  },
  receivers: [
    { name: 'slack', slack_configs: [{ channel: '#alerts', send_resolved: true, title: '{{ .CommonLabels.alertname }}' }] },
    { name: 'email', email_configs: [{ to: 'ops@example.org', send_resolved: true }] },
    { name: 'db-team', email_configs: [{ to: 'db@example.org', headers: { Subject: 'DB: {{ .CommonLabels.alertname }}' } }] },
    { name: 'pager', webhook_configs: [{ url: 'http://127.0.0.1:9/pager', max_alerts: 10 }] },
    {
      name: 'webhook',
      webhook_configs: [
        {
          url: 'http://127.0.0.1:9/hook',
          http_config: { basic_auth: { username: 'am', password_file: '/etc/alertmanager/secrets/hook' } },
        },
      ],
    },
    { name: 'null' },
  ],
  inhibit_rules: [
    { source_matchers: ['alertname="NodeDown"', 'severity="critical"'], target_matchers: ['alertname!="NodeDown"'], equal: ['node'] },
    { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'node'] },
  ],
  time_intervals: [
    {
      name: 'offhours',
      time_intervals: [
        { times: [{ start_time: '18:00', end_time: '24:00' }], weekdays: ['monday:friday'] },
        { weekdays: ['saturday', 'sunday'], location: 'Europe/London' },
      ],
    },
  ],
};
