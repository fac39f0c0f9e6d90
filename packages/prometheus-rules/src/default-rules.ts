import { durationMs } from '@chatops/core';
import { type Environment, PROBE_JOBS, chatopsInstances, nodesWithRole, probeTargets, servicesOn } from '@chatops/environment';
import { ConfigError } from '@chatops/core';
import type { AlertingRule, RuleFile } from './rule-file.js';
import { ANNOTATIONS } from './_annotations.js';
import { exactRegex, promqlSelector as selector, promqlString } from '@chatops/prometheus-common';
import { haproxyServers } from './haproxy-servers.js';

/**
 * Severity labels of the default rules; Alertmanager routes `critical` to Slack and e-mail, `warning` to Slack,
 * and `none` (the Watchdog) only to the dead-man's switch.
 */
export type Severity = 'critical' | 'warning' | 'none';

/**
 * The always-firing alert (kube-prometheus' name): it reaches the dead-man's switch as long as rules are
 * evaluated, Alertmanager receives them and can notify; its absence is the alarm.
 */
export const WATCHDOG_ALERT = 'Watchdog';

/** The Watchdog rule: `vector(1)`, no `for`, severity `none`. */
export function watchdogRule(): AlertingRule {
  return { alert: WATCHDOG_ALERT, expr: 'vector(1)', labels: { severity: 'none' }, annotations: { ...ANNOTATIONS.Watchdog } };
}

export interface DefaultRulesOptions {
  /**
   * Replaces every rule's `for` (e.g. `0s` for an end-to-end test that does not look at timing).
   * @default each rule's own (see `alertDelays`)
   */
  readonly for?: string;
  /**
   * The step of the cause-before-symptom ladder (`alertDelays`), e.g. `4s` for an end-to-end test scraping every
   * second. Ignored when `for` is given.
   * @default alertStep(env)
   */
  readonly step?: string;
  /**
   * Where the runbooks are: each alert's `runbook_url` is this plus `#<alertname in lower case>`.
   * @default RUNBOOK_BASE (RUNBOOKS.md of the repository on GitHub)
   */
  readonly runbookBase?: string;
}

/** The runbooks of the default alerts: one section per alert, `## <AlertName>`. */
export const RUNBOOK_BASE = 'https://github.com/stfc/cloud-chatops-config/blob/main/RUNBOOKS.md';

/** An alert's runbook: `RUNBOOKS.md#nodedown`. */
export function runbookUrl(alert: string, base: string = RUNBOOK_BASE): string {
  return `${base}#${alert.toLowerCase()}`;
}

/**
 * How long the alerts of one fault wait, so that the alert naming the cause fires first and Alertmanager can
 * mute the others (it only inhibits with a source alert that is already firing):
 * - `cause` (1 step): `NodeDown`, `SystemdUnitDown`;
 * - `target` (2 steps): `TargetDown`, `HaproxyBackendDown`;
 * - `symptom` (3 steps): `ChatOpsInstanceDown`, `HaproxyBackendServerDown`, `EndpointProbeFailed`.
 */
export interface AlertDelays {
  readonly cause: string;
  readonly target: string;
  readonly symptom: string;
}

/** Prometheus' default scrape timeout (the stack's scrape configs keep it), capped by the interval. */
const SCRAPE_TIMEOUT_MS = 10_000;

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.ceil(ms / 1000)}s`;
}

/**
 * The ladder's step: longer than the time the alerts of one fault can lag behind each other, i.e. the targets of
 * one node failing one scrape apart (scrape interval + timeout) and two rule groups evaluated one interval
 * apart (2 x evaluation interval); whole minutes. 1m with the default 15s intervals.
 */
export function alertStep(env: Environment): string {
  const scrape = durationMs(env.prometheus.scrapeInterval);
  const lag = scrape + Math.min(SCRAPE_TIMEOUT_MS, scrape) + 2 * durationMs(env.prometheus.evaluationInterval);
  return seconds(Math.ceil(lag / 60_000) * 60_000);
}

/** The `for` of each level of the ladder (`options.step` or `alertStep(env)`). */
export function alertDelays(env: Environment, options: DefaultRulesOptions = {}): AlertDelays {
  const step = durationMs(options.step ?? alertStep(env));
  return { cause: seconds(step), target: seconds(2 * step), symptom: seconds(3 * step) };
}

function rule(props: AlertingRule & { for: string }, options: DefaultRulesOptions): AlertingRule {
  return { ...props, for: options.for ?? props.for };
}

/**
 * The ChatOps alert: cAdvisor stopped seeing one of the app's containers (stale, or gone altogether). Its size
 * does not grow with the fleet: every ChatOps node runs `chatops-1` ... `chatops-<instancesPerNode>` and runs
 * cAdvisor, so each expected container is `up{job="cadvisor"}` of a node labelled with one of those names (one
 * term per name, not per node), and is missing when no `container_last_seen` of that node has that name. A node
 * whose cAdvisor is down (up 0) still has its `up` series: its containers fire (muted by NodeDown/TargetDown).
 */
export function chatopsInstanceDownRule(env: Environment, options: DefaultRulesOptions = {}): AlertingRule | undefined {
  const instances = chatopsInstances(env);
  if (instances.length === 0) return undefined;
  const names = [...new Set(instances.map((i) => i.containerName))];
  const seen = selector('container_last_seen', [
    ['job', '=', 'cadvisor'],
    ['name', '=~', exactRegex(names)],
  ]);
  const stale = `time() - ${seen} > 60`;
  const vanished = names.map(
    (name) => `(label_replace(up{job="cadvisor"}, "name", ${promqlString(name)}, "job", ".*") unless on (node, name) ${seen})`,
  );
  return rule(
    {
      alert: 'ChatOpsInstanceDown',
      expr: [stale, ...vanished].join(' or '),
      // After NodeDown and TargetDown (its cAdvisor), which mute it: a node or cAdvisor down is one page.
      for: alertDelays(env, options).symptom,
      labels: { severity: 'critical' },
      annotations: { ...ANNOTATIONS.ChatOpsInstanceDown },
    },
    options,
  );
}

/**
 * The systemd alert: a unit placed on a node (per `unitsOn`) is failed or inactive. Constant size: the scrape
 * config of each node's systemd exporter keeps only the `systemd_unit_state` series of the units placed there
 * (`placedUnitsRelabeling`), so any failed or inactive unit Prometheus has is one that must run.
 */
export function systemdUnitDownRule(env: Environment, options: DefaultRulesOptions = {}): AlertingRule {
  return rule(
    {
      alert: 'SystemdUnitDown',
      expr: `${selector('systemd_unit_state', [
        ['job', '=', 'systemd'],
        ['state', '=~', 'failed|inactive'],
      ])} == 1`,
      // A cause: it mutes the alerts of its service's scrape jobs, HAProxy servers and ChatOps containers.
      for: alertDelays(env, options).cause,
      labels: { severity: 'critical' },
      annotations: { ...ANNOTATIONS.SystemdUnitDown },
    },
    options,
  );
}

/**
 * The crash-loop alert: a unit placed on a node restarted more than twice in 10 minutes. Units restart on failure
 * every few seconds (`Restart=on-failure`, `RestartSec=5s`), so the start limit is never hit and a crashing
 * service never becomes `failed`: only its restart counter (systemd_exporter's
 * `--systemd.collector.enable-restart-count`) tells.
 */
export function systemdUnitCrashLoopingRule(env: Environment, options: DefaultRulesOptions = {}): AlertingRule {
  return rule(
    {
      alert: 'SystemdUnitCrashLooping',
      // Constant size, like SystemdUnitDown: only placed units' counters are kept (`placedUnitsRelabeling`).
      expr: `increase(${selector('systemd_service_restart_total', [['job', '=', 'systemd']])}[10m]) > 2`,
      // A cause, like SystemdUnitDown: it mutes the same alerts.
      for: alertDelays(env, options).cause,
      labels: { severity: 'critical' },
      annotations: { ...ANNOTATIONS.SystemdUnitCrashLooping },
    },
    options,
  );
}

/** node_exporter's filesystems worth alerting on: real ones (not tmpfs, overlays, squashfs images, FUSE...). */
const REAL_FILESYSTEMS: readonly [string, '=' | '=~' | '!~' | '!=', string][] = [
  ['job', '=', 'node'],
  ['fstype', '!=', ''],
  ['fstype', '!~', 'tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|autofs|fuse\\..+'],
];

function fs(metric: string): string {
  return `${metric}{${REAL_FILESYSTEMS.map(([k, op, v]) => `${k}${op}${promqlString(v)}`).join(',')}}`;
}

/** Days before a certificate's expiry when `CertificateExpiresSoon` fires, per severity. */
export const CERTIFICATE_EXPIRY_DAYS = { warning: 21, critical: 7 } as const;

/** A probe series' alert speaks of the node whose endpoint was probed, not of the exporter's node. */
function onTargetNode(expr: string): string {
  return `label_replace(${expr}, "node", "$1", "target_node", "(.+)")`;
}

/**
 * HAProxy's server series speak of the node behind the server (`node`), the load balancer's moving to `lb_node`:
 * so `NodeDown` and `SystemdUnitDown` of that node mute them.
 */
function onServerNode(env: Environment, selectorOf: (proxyMatcher: [string, '=' | '!=', string]) => string): string {
  // Constant in the fleet's size: the server name carries its node (`<node>-<instance>` in the ChatOps backend,
  // `<node>` in the others, see haproxyServers), so one label_replace per naming scheme, not one per node.
  const lb = (sel: string) => `label_replace(${sel}, "lb_node", "$1", "node", "(.+)")`;
  const apps = `label_replace(${lb(selectorOf(['proxy', '=', 'chatops']))}, "node", "$1", "server", "(.+)-[0-9]+")`;
  const others = `label_replace(${lb(selectorOf(['proxy', '!=', 'chatops']))}, "node", "$1", "server", "(.+)")`;
  return haproxyServers(env).some((s) => s.proxy === 'chatops') ? `${apps} or ${others}` : others;
}

/**
 * The blackbox probes' rules: a public host that fails its probe through HAProxy, and any probed certificate
 * (public chain or ours) expiring within 21 days (warning) or 7 days (critical).
 */
export function probeRules(env: Environment, options: DefaultRulesOptions = {}): AlertingRule[] {
  const targets = probeTargets(env);
  const delays = alertDelays(env, options);
  if (targets.length === 0) return [];
  const expiry = (severity: keyof typeof CERTIFICATE_EXPIRY_DAYS): AlertingRule =>
    rule(
      {
        alert: 'CertificateExpiresSoon',
        expr: onTargetNode(`(probe_ssl_earliest_cert_expiry - time()) / 86400 < ${CERTIFICATE_EXPIRY_DAYS[severity]}`),
        for: '10m',
        labels: { severity },
        annotations: { ...ANNOTATIONS.CertificateExpiresSoon },
      },
      options,
    );
  const hasPublic = targets.some((t) => t.job === PROBE_JOBS.public);
  return [
    ...(hasPublic
      ? [
          rule(
            {
              alert: 'EndpointProbeFailed',
              expr: onTargetNode(`probe_success{job="${PROBE_JOBS.public}"} == 0`),
              // After HaproxyBackendDown (a backend with no server up), SystemdUnitDown and TargetDown of HAProxy, and
              // NodeDown of the load balancer, which mute it.
              for: delays.symptom,
              labels: { severity: 'critical' },
              annotations: { ...ANNOTATIONS.EndpointProbeFailed },
            },
            options,
          ),
        ]
      : []),
    expiry('warning'),
    expiry('critical'),
  ];
}

/**
 * Every default alert rule of the stack, derived from the environment: what runs where, which containers the
 * app units start, where Prometheus and Elasticsearch keep their data.
 */
export function defaultAlertRules(env: Environment, options: DefaultRulesOptions = {}): RuleFile {
  const instanceDown = chatopsInstanceDownRule(env, options);
  // node-mixin's guards: a read-only filesystem cannot fill up; a full day's prediction needs a filesystem
  // already below 40% free, or a fresh volume being written to would alarm.
  const percentFree = `100 * ${fs('node_filesystem_avail_bytes')} / ${fs('node_filesystem_size_bytes')}`;
  const writable = `${fs('node_filesystem_readonly')} == 0`;
  const hasHaproxy = env.nodes.some((n) => servicesOn(env, n).includes('haproxy'));
  const hasAlertmanager = nodesWithRole(env, 'alertmanager').length > 0;
  const delays = alertDelays(env, options);
  const groups: RuleFile['groups'] = [
    {
      name: 'chatops',
      rules: [...(instanceDown ? [instanceDown] : []), systemdUnitDownRule(env, options), systemdUnitCrashLoopingRule(env, options)],
    },
    {
      name: 'targets',
      rules: [
        rule(
          {
            alert: 'NodeDown',
            expr: 'max by (node) (up) == 0',
            // The first of a node's alerts to fire: it mutes every other alert about the node.
            for: delays.cause,
            labels: { severity: 'critical' },
            annotations: { ...ANNOTATIONS.NodeDown },
          },
          options,
        ),
        rule(
          {
            alert: 'TargetDown',
            expr: 'up == 0',
            // After NodeDown: the targets of a dead node fail up to a scrape apart, NodeDown only once all have.
            for: delays.target,
            labels: { severity: 'critical' },
            annotations: { ...ANNOTATIONS.TargetDown },
          },
          options,
        ),
        ...(hasHaproxy
          ? [
              rule(
                {
                  alert: 'HaproxyBackendDown',
                  expr: `${selector('haproxy_backend_status', [
                    ['job', '=', 'haproxy'],
                    ['state', '=', 'DOWN'],
                  ])} == 1`,
                  // Before its servers' alerts and its public host's probe, which it mutes.
                  for: delays.target,
                  labels: { severity: 'critical' },
                  annotations: { ...ANNOTATIONS.HaproxyBackendDown },
                },
                options,
              ),
              rule(
                {
                  alert: 'HaproxyBackendServerDown',
                  expr: onServerNode(
                    env,
                    (proxy) => `${selector('haproxy_server_status', [['job', '=', 'haproxy'], ['state', '=', 'DOWN'], proxy])} == 1`,
                  ),
                  // After NodeDown and SystemdUnitDown of the server's node and HaproxyBackendDown, which mute it.
                  for: delays.symptom,
                  labels: { severity: 'critical' },
                  annotations: { ...ANNOTATIONS.HaproxyBackendServerDown },
                },
                options,
              ),
            ]
          : []),
      ],
    },
    ...(probeRules(env, options).length > 0 ? [{ name: 'probes', rules: probeRules(env, options) }] : []),
    {
      name: 'filesystems',
      rules: [
        rule(
          {
            alert: 'FilesystemAlmostFull',
            expr: `(${percentFree} < 10) and ${writable}`,
            for: '15m',
            labels: { severity: 'warning' },
            annotations: { ...ANNOTATIONS.FilesystemAlmostFull },
          },
          options,
        ),
        rule(
          {
            alert: 'FilesystemFillingUp',
            expr: `(${percentFree} < 40) and (predict_linear(${fs('node_filesystem_avail_bytes')}[6h], 24 * 3600) < 0) and ${writable}`,
            for: '1h',
            labels: { severity: 'warning' },
            annotations: { ...ANNOTATIONS.FilesystemFillingUp },
          },
          options,
        ),
      ],
    },
    {
      name: 'monitoring',
      rules: [
        watchdogRule(),
        rule(
          {
            alert: 'PrometheusConfigReloadFailed',
            expr: 'prometheus_config_last_reload_successful{job="prometheus"} == 0',
            for: '1m',
            labels: { severity: 'warning' },
            annotations: { ...ANNOTATIONS.PrometheusConfigReloadFailed },
          },
          options,
        ),
        rule(
          {
            // A rule that fails to evaluate never fires: its alert is silently gone.
            alert: 'PrometheusRuleEvaluationFailures',
            expr: 'increase(prometheus_rule_evaluation_failures_total{job="prometheus"}[5m]) > 0',
            for: '5m',
            labels: { severity: 'critical' },
            annotations: { ...ANNOTATIONS.PrometheusRuleEvaluationFailures },
          },
          options,
        ),
        ...(hasAlertmanager
          ? [
              rule(
                {
                  // Seen in Prometheus' UI and by the dead-man's switch (Watchdog stops): Prometheus cannot send it.
                  alert: 'PrometheusNotConnectedToAlertmanager',
                  expr: 'max_over_time(prometheus_notifications_alertmanagers_discovered{job="prometheus"}[5m]) < 1',
                  for: '5m',
                  labels: { severity: 'critical' },
                  annotations: { ...ANNOTATIONS.PrometheusNotConnectedToAlertmanager },
                },
                options,
              ),
            ]
          : []),
        rule(
          {
            alert: 'PrometheusNotificationsFailing',
            expr: 'rate(prometheus_notifications_errors_total{job="prometheus"}[5m]) > 0',
            for: '5m',
            labels: { severity: 'warning' },
            annotations: { ...ANNOTATIONS.PrometheusNotificationsFailing },
          },
          options,
        ),
        ...(hasAlertmanager
          ? [
              rule(
                {
                  alert: 'AlertmanagerConfigReloadFailed',
                  expr: 'alertmanager_config_last_reload_successful{job="alertmanager"} == 0',
                  for: '1m',
                  labels: { severity: 'warning' },
                  annotations: { ...ANNOTATIONS.AlertmanagerConfigReloadFailed },
                },
                options,
              ),
              rule(
                {
                  alert: 'AlertmanagerNotificationsFailing',
                  expr: 'rate(alertmanager_notifications_failed_total{job="alertmanager"}[5m]) > 0',
                  for: '5m',
                  labels: { severity: 'warning' },
                  annotations: { ...ANNOTATIONS.AlertmanagerNotificationsFailing },
                },
                options,
              ),
            ]
          : []),
      ],
    },
  ];
  // Every alert links its runbook section.
  const base = options.runbookBase ?? RUNBOOK_BASE;
  return {
    groups: withAlertFor(env, groups).map((g) => ({
      ...g,
      rules: g.rules.map((r) =>
        'alert' in r && r.alert ? { ...r, annotations: { ...r.annotations, runbook_url: runbookUrl(r.alert, base) } } : r,
      ),
    })),
  };
}

/** Applies the environment's `prometheus.alertFor` delays; a name no default alert has is an error, not ignored. */
function withAlertFor(env: Environment, groups: RuleFile['groups']): RuleFile['groups'] {
  const delays = env.prometheus.alertFor ?? {};
  const known = new Set(groups.flatMap((g) => g.rules.flatMap((r) => ('alert' in r ? [r.alert] : []))));
  const unknown = Object.keys(delays).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((name) => ({
        path: ['prometheus', 'alertFor', name],
        message: `no default alert is named ${name} (the alerts: ${[...known].sort().join(', ')})`,
      })),
    );
  }
  return groups.map((g) => ({
    ...g,
    rules: g.rules.map((r) => ('alert' in r && delays[r.alert] !== undefined ? { ...r, for: delays[r.alert] } : r)),
  }));
}
