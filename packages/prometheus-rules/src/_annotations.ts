/** Annotations of the default alert rules (shared with their promtool tests). */
export const ANNOTATIONS = {
  ChatOpsInstanceDown: {
    summary: 'ChatOps container {{ $labels.name }} on {{ $labels.node }} is down',
    description:
      'cAdvisor on {{ $labels.node }}, which answers its scrapes, no longer reports the container {{ $labels.name }} running (gone, or last seen over a minute ago) for a few minutes.',
  },
  SystemdUnitDown: {
    summary: 'systemd unit {{ $labels.name }} on {{ $labels.node }} is {{ $labels.state }}',
    description: 'The unit {{ $labels.name }} should be active on {{ $labels.node }}; systemd reports it {{ $labels.state }}.',
  },
  SystemdUnitCrashLooping: {
    summary: 'systemd unit {{ $labels.name }} on {{ $labels.node }} keeps restarting',
    description:
      'The unit {{ $labels.name }} on {{ $labels.node }} restarted {{ $value | humanize }} times in 10 minutes: it crashes and systemd brings it back (Restart=on-failure), so it never shows as failed.',
  },
  NodeDown: {
    summary: 'Node {{ $labels.node }} is unreachable',
    description:
      'No scrape target on {{ $labels.node }} answers: the node or its network is down. Every other alert about {{ $labels.node }} is muted meanwhile.',
  },
  TargetDown: {
    summary: '{{ $labels.job }} on {{ $labels.node }} cannot be scraped',
    description:
      'Prometheus fails to scrape {{ $labels.instance }} (job {{ $labels.job }}) while other targets on {{ $labels.node }} answer: the exporter or service is down or hung. Alerts computed from its metrics are muted meanwhile.',
  },
  HaproxyBackendDown: {
    summary: 'HAProxy backend {{ $labels.proxy }} has no server up',
    description: 'Every server of the backend {{ $labels.proxy }} on {{ $labels.node }} is down: its route answers 503.',
  },
  HaproxyBackendServerDown: {
    summary: 'HAProxy server {{ $labels.server }} of backend {{ $labels.proxy }} is down',
    description:
      'HAProxy on {{ $labels.lb_node }} marks {{ $labels.proxy }}/{{ $labels.server }} (on {{ $labels.node }}) DOWN after failed health checks.',
  },
  EndpointProbeFailed: {
    summary: '{{ $labels.instance }} fails its probe through HAProxy',
    description:
      'The blackbox exporter cannot get a valid answer from {{ $labels.instance }} through {{ $labels.node }} (TLS with the public chain, then an HTTP status the edge gives when it works).',
  },
  CertificateExpiresSoon: {
    summary: 'The certificate of {{ $labels.instance }} expires in {{ $value | humanize }} days',
    description:
      'A certificate served at {{ $labels.instance }} ({{ $labels.service }} on {{ $labels.node }}) expires in {{ $value | humanize }} days: renew it (certbot for the public one, a render and deploy for ours).',
  },
  FilesystemAlmostFull: {
    summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.node }} is almost full',
    description:
      'Only {{ $value | humanize }}% of {{ $labels.mountpoint }} ({{ $labels.device }}) has been free on {{ $labels.node }} for 15 minutes.',
  },
  FilesystemFillingUp: {
    summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.node }} will be full within a day',
    description:
      'At the rate of the last 6 hours, {{ $labels.mountpoint }} on {{ $labels.node }} ({{ $value | humanize }}% free) fills up within 24 hours.',
  },
  Watchdog: {
    summary: 'Prometheus evaluates rules and Alertmanager delivers them (always firing)',
    description:
      "This alert fires all the time on purpose. It is sent to the dead-man's switch (alerting.deadMansSwitch); when it stops arriving, the monitoring stack can no longer notify anyone.",
  },
  PrometheusConfigReloadFailed: {
    summary: 'Prometheus on {{ $labels.node }} failed to reload its configuration',
    description: 'Prometheus keeps running the previous configuration; check its log for the error.',
  },
  PrometheusRuleEvaluationFailures: {
    summary: 'Prometheus on {{ $labels.node }} fails to evaluate rules',
    description:
      "Rule evaluations failed {{ $value | humanize }} times in 5 minutes: the alerts of those rules cannot fire. Prometheus' log names the rule.",
  },
  PrometheusNotConnectedToAlertmanager: {
    summary: 'Prometheus on {{ $labels.node }} has no Alertmanager to send alerts to',
    description: 'Prometheus has discovered no Alertmanager for 5 minutes: alerts are evaluated but sent nowhere.',
  },
  PrometheusNotificationsFailing: {
    summary: 'Prometheus on {{ $labels.node }} cannot send alerts to {{ $labels.alertmanager }}',
    description: 'Sending alerts to Alertmanager fails at {{ $value | humanize }} errors per second.',
  },
  AlertmanagerConfigReloadFailed: {
    summary: 'Alertmanager on {{ $labels.node }} failed to reload its configuration',
    description: 'Alertmanager keeps running the previous configuration; check its log for the error.',
  },
  AlertmanagerNotificationsFailing: {
    summary: 'Alertmanager on {{ $labels.node }} fails to send {{ $labels.integration }} notifications',
    description:
      'Notifications through {{ $labels.integration }} fail at {{ $value | humanize }} per second. This alert is sent through the other receiver (Slack failures by e-mail, e-mail failures to Slack).',
  },
} as const;
