import { durationMs } from '@chatops/core';
import {
  type Environment,
  type NodeSpec,
  PROBE_JOBS,
  chatopsInstances,
  nodeWithRole,
  nodesWithRole,
  probeTargets,
  servicesOn,
} from '@chatops/environment';
import { ANNOTATIONS } from './_annotations.js';
import { alertDelays, runbookUrl } from './default-rules.js';
import { haproxyServers } from './haproxy-servers.js';
import { type RuleTestCase, ruleTest } from './rule-test.js';
import { unitsOn } from '@chatops/environment';

type Labels = Record<string, string>;

function series(metric: string, labels: Labels): string {
  return `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/** Expands the `{{ $labels.x }}` and `{{ $value | humanize }}` references of the default rules' annotations. */
function expand(template: string, labels: Labels, value = ''): string {
  return template
    .replace(/\{\{ \$labels\.([a-zA-Z_]\w*) \}\}/g, (_, name: string) => labels[name] ?? '')
    .replace(/\{\{ \$value \| humanize \}\}/g, value);
}

type Tested =
  | 'ChatOpsInstanceDown'
  | 'SystemdUnitDown'
  | 'SystemdUnitCrashLooping'
  | 'NodeDown'
  | 'TargetDown'
  | 'HaproxyBackendServerDown'
  | 'HaproxyBackendDown'
  | 'EndpointProbeFailed'
  | 'CertificateExpiresSoon';

/** A duration in promtool's notation, in whole seconds. */
function at(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

function expected(alert: Tested, labels: Labels, severity = 'critical', value = '') {
  const a = ANNOTATIONS[alert];
  return {
    labels: { ...labels, severity },
    annotations: {
      summary: expand(a.summary, labels, value),
      description: expand(a.description, labels, value),
      runbook_url: runbookUrl(alert),
    },
  };
}

/**
 * promtool tests of `defaultAlertRules(env)` (with its default `for` durations): a failed unit fires (the
 * scrape config keeps only the units placed on a node: `placedUnitsRelabeling`), a stale and a vanished ChatOps
 * container both fire, a target that stops answering fires, and a
 * DOWN HAProxy server fires. Render them with `printRuleTestFile` next to the rendered rule file.
 */
export function defaultRuleTests(env: Environment): RuleTestCase[] {
  const tests: RuleTestCase[] = [];
  const delay = alertDelays(env);
  // Series below fail at 2m (interval 1m, 10 samples); an alert fires `for` later, checked a minute after that.
  const firedBy = (d: string) => at(2 * 60_000 + durationMs(d) + 60_000);
  const node = env.nodes.find((n) => unitsOn(env, n).length > 1) ?? env.nodes[0];
  if (!node) return tests;
  const units = unitsOn(env, node);
  const failing = units[0] ?? 'filebeat.service';
  const instance = `${node.address}:${env.ports.systemdExporter}`;
  const base = { job: 'systemd', node: node.name, instance, type: 'service' };
  const failed = { ...base, name: failing, state: 'failed' };
  tests.push(
    ruleTest({
      name: `SystemdUnitDown fires for ${failing} on ${node.name}`,
      interval: '1m',
      inputSeries: [
        { series: series('systemd_unit_state', failed), values: '0 0 1x8' },
        { series: series('systemd_unit_state', { ...base, name: failing, state: 'active' }), values: '1 1 0x8' },
        ...units.slice(1).map((u) => ({ series: series('systemd_unit_state', { ...base, name: u, state: 'active' }), values: '1x10' })),
      ],
      alerts: [
        { at: '1m', alertname: 'SystemdUnitDown', expected: [] },
        { at: firedBy(delay.cause), alertname: 'SystemdUnitDown', expected: [expected('SystemdUnitDown', failed)] },
      ],
    }),
  );

  // A unit that crashes every 30 seconds and is restarted: never failed, but its restart counter climbs.
  const restarts = { job: 'systemd', node: node.name, instance, name: failing };
  tests.push(
    ruleTest({
      name: `SystemdUnitCrashLooping fires for ${failing} restarting on ${node.name}, not for one restart`,
      interval: '30s',
      inputSeries: [
        { series: series('systemd_service_restart_total', restarts), values: '0x3 0+1x40' },
        ...units
          .slice(1, 2)
          .map((u) => ({ series: series('systemd_service_restart_total', { ...restarts, name: u }), values: '0x10 1x33' })),
      ],
      alerts: [
        { at: '1m', alertname: 'SystemdUnitCrashLooping', expected: [] },
        { at: '12m', alertname: 'SystemdUnitCrashLooping', expected: [expected('SystemdUnitCrashLooping', restarts, 'critical', '20')] },
      ],
    }),
  );

  const instances = chatopsInstances(env);
  const [stale, gone, ...healthy] = instances;
  if (stale) {
    const cadvisor = (i: (typeof instances)[number]) => ({
      job: 'cadvisor',
      node: i.node.name,
      instance: `${i.node.address}:${env.ports.cadvisor}`,
      name: i.containerName,
    });
    const target = (n: (typeof instances)[number]['node']) => ({
      job: 'cadvisor',
      node: n.name,
      instance: `${n.address}:${env.ports.cadvisor}`,
    });
    const fired = [expected('ChatOpsInstanceDown', cadvisor(stale))];
    if (gone) fired.push(expected('ChatOpsInstanceDown', { ...target(gone.node), name: gone.containerName }));
    const cadvisorNodes = [...new Map(instances.map((i) => [i.node.name, i.node])).values()];
    tests.push(
      ruleTest({
        name: 'ChatOpsInstanceDown fires for a stale and for a vanished container',
        interval: '1m',
        inputSeries: [
          { series: series('container_last_seen', cadvisor(stale)), values: '0+60x2 120x8' },
          ...healthy.map((i) => ({ series: series('container_last_seen', cadvisor(i)), values: '0+60x10' })),
          ...cadvisorNodes.map((n) => ({ series: series('up', target(n)), values: '1x10' })),
        ],
        // The stale one's last sighting (2m) is over a minute old from 3m on.
        alerts: [{ at: at(3 * 60_000 + durationMs(delay.symptom) + 60_000), alertname: 'ChatOpsInstanceDown', expected: fired }],
      }),
    );
  }

  const target = { job: 'node', node: node.name, instance: `${node.address}:${env.ports.nodeExporter}` };
  tests.push(
    ruleTest({
      name: 'TargetDown fires once a target stays down for a minute',
      interval: '1m',
      inputSeries: [{ series: series('up', target), values: '1 1 0x8' }],
      alerts: [
        { at: '2m', alertname: 'TargetDown', expected: [] },
        { at: firedBy(delay.target), alertname: 'TargetDown', expected: [expected('TargetDown', target)] },
      ],
    }),
  );

  const systemd = { job: 'systemd', node: node.name, instance: `${node.address}:${env.ports.systemdExporter}` };
  tests.push(
    ruleTest({
      name: 'NodeDown fires when every target of a node is down, TargetDown for each of them',
      interval: '1m',
      inputSeries: [
        { series: series('up', target), values: '1 1 0x8' },
        { series: series('up', systemd), values: '1 1 0x8' },
      ],
      alerts: [
        { at: firedBy(delay.target), alertname: 'NodeDown', expected: [expected('NodeDown', { node: node.name })] },
        { at: firedBy(delay.target), alertname: 'TargetDown', expected: [expected('TargetDown', target), expected('TargetDown', systemd)] },
      ],
    }),
  );

  const lb = env.nodes.find((n) => servicesOn(env, n).includes('haproxy'));
  const chatopsServer = haproxyServers(env).find((x) => x.proxy === 'chatops');
  if (lb && chatopsServer) {
    const server = {
      job: 'haproxy',
      node: lb.name,
      instance: `${lb.address}:${env.ports.haproxyMetrics}`,
      proxy: 'chatops',
      server: chatopsServer.server,
    };
    tests.push(
      ruleTest({
        name: 'HaproxyBackendServerDown fires for a DOWN server, about the node behind it',
        interval: '1m',
        inputSeries: [
          { series: series('haproxy_server_status', { ...server, state: 'DOWN' }), values: '0 0 1x8' },
          { series: series('haproxy_server_status', { ...server, state: 'UP' }), values: '1 1 0x8' },
        ],
        alerts: [
          {
            at: firedBy(delay.symptom),
            alertname: 'HaproxyBackendServerDown',
            expected: [expected('HaproxyBackendServerDown', { ...server, state: 'DOWN', node: chatopsServer.node.name, lb_node: lb.name })],
          },
        ],
      }),
    );
  }
  tests.push(...probeRuleTests(env), ...singleFaultTests(env));
  return tests;
}

/**
 * The probe rules: a certificate 10 days from expiry warns, one 3 days from it is critical (and warns: the
 * inhibition mutes the warning); a public host whose probe fails for 2 minutes fires, labelled with the load
 * balancer's node.
 */
function probeRuleTests(env: Environment): RuleTestCase[] {
  const targets = probeTargets(env);
  const internal = targets.find((t) => t.job === PROBE_JOBS.internal);
  const pub = targets.find((t) => t.job === PROBE_JOBS.public);
  if (!internal) return [];
  const prom = nodeWithRole(env, 'prometheus');
  const labels = (t: typeof internal): Labels => ({
    job: t.job,
    node: prom.name,
    instance: t.instance,
    target_node: t.node.name,
    service: t.service,
    ...(t.proxy ? { proxy: t.proxy } : {}),
  });
  const onTarget = (t: typeof internal): Labels => ({ ...labels(t), node: t.node.name });
  const other = targets.find((t) => t.job === PROBE_JOBS.internal && t.instance !== internal.instance) ?? internal;
  // promtool's clock starts at 0: at 15m, time() is 900.
  const expiresIn = (days: number) => `${900 + days * 86400}x30`;
  const tests: RuleTestCase[] = [
    ruleTest({
      name: 'CertificateExpiresSoon warns under 21 days and is critical under 7',
      interval: '1m',
      inputSeries: [
        { series: series('probe_ssl_earliest_cert_expiry', labels(internal)), values: expiresIn(10) },
        ...(other === internal ? [] : [{ series: series('probe_ssl_earliest_cert_expiry', labels(other)), values: expiresIn(3) }]),
        ...(pub ? [{ series: series('probe_ssl_earliest_cert_expiry', labels(pub)), values: expiresIn(80) }] : []),
      ],
      alerts: [
        {
          at: '15m',
          alertname: 'CertificateExpiresSoon',
          expected: [
            expected('CertificateExpiresSoon', onTarget(internal), 'warning', '10'),
            ...(other === internal
              ? []
              : [
                  expected('CertificateExpiresSoon', onTarget(other), 'warning', '3'),
                  expected('CertificateExpiresSoon', onTarget(other), 'critical', '3'),
                ]),
          ],
        },
      ],
    }),
  ];
  if (pub) {
    tests.push(
      ruleTest({
        name: 'EndpointProbeFailed fires for a public host failing its probe for 2 minutes',
        interval: '1m',
        inputSeries: [
          { series: series('probe_success', labels(pub)), values: '1 1 0x8' },
          ...targets
            .filter((t) => t.job === PROBE_JOBS.public && t !== pub)
            .map((t) => ({ series: series('probe_success', labels(t)), values: '1x10' })),
        ],
        alerts: [
          { at: '3m', alertname: 'EndpointProbeFailed', expected: [] },
          {
            at: at(2 * 60_000 + durationMs(alertDelays(env).symptom) + 60_000),
            alertname: 'EndpointProbeFailed',
            expected: [expected('EndpointProbeFailed', onTarget(pub))],
          },
        ],
      }),
    );
  }
  return tests;
}

/**
 * One fault, one page: for a dead app node, a failed cAdvisor unit and a failed HAProxy unit, the alert naming
 * the cause fires while the alerts it mutes (Alertmanager's `inhibit_rules`) are still pending, even when the
 * symptom's data fails one scrape before the cause's; later those fire too, and are muted. Series are sampled
 * at the scrape interval; the fault starts at sample 4.
 */
function singleFaultTests(env: Environment): RuleTestCase[] {
  const scrape = durationMs(env.prometheus.scrapeInterval);
  const delay = alertDelays(env);
  const k = 4;
  const total = k + 1 + Math.ceil((durationMs(delay.symptom) + 2 * 60_000) / scrape);
  /** 1 until sample `from`, then 0 (or the reverse). */
  const step = (from: number, before: number, after: number) => `${before}x${from - 1} ${after}x${total - from}`;
  /** A timestamp-valued series (cAdvisor's last sighting) until sample `until`, then stale. */
  const seen = (until?: number) => (until === undefined ? `0+${scrape / 1000}x${total}` : `0+${scrape / 1000}x${until - 1} stale`);
  const instances = chatopsInstances(env);
  const app = nodesWithRole(env, 'chatops').at(-1);
  const lb = env.nodes.find((n) => servicesOn(env, n).includes('haproxy'));
  if (!app || !lb) return [];
  const cadvisorSeries = (down?: NodeSpec) =>
    instances.map((i) => ({
      series: series('container_last_seen', {
        job: 'cadvisor',
        node: i.node.name,
        instance: `${i.node.address}:${env.ports.cadvisor}`,
        name: i.containerName,
      }),
      values: seen(i.node.name === down?.name ? k : undefined),
    }));
  const up = (job: string, node: NodeSpec, port: number): Labels => ({ job, node: node.name, instance: `${node.address}:${port}` });
  const appTargets = [
    up('cadvisor', app, env.ports.cadvisor),
    up('node', app, env.ports.nodeExporter),
    up('systemd', app, env.ports.systemdExporter),
  ];
  const haproxy = up('haproxy', lb, env.ports.haproxyMetrics);
  const unit = (node: NodeSpec, name: string): Labels => ({
    job: 'systemd',
    node: node.name,
    instance: `${node.address}:${env.ports.systemdExporter}`,
    name,
    type: 'service',
    state: 'failed',
  });
  const time = (sample: number, plus: string) => at(sample * scrape + durationMs(plus));
  const end = at((total - 1) * scrape);
  const gone = (node: NodeSpec) =>
    instances
      .filter((i) => i.node.name === node.name)
      .map((i) =>
        expected('ChatOpsInstanceDown', {
          job: 'cadvisor',
          node: node.name,
          instance: `${node.address}:${env.ports.cadvisor}`,
          name: i.containerName,
        }),
      );
  const tests: RuleTestCase[] = [];

  // A dead app node: cAdvisor's scrape fails first, the node's last target one scrape later, HAProxy marks its
  // servers DOWN then too.
  const servers = haproxyServers(env).filter((x) => x.node.name === app.name);
  const serverLabels = (server: string, proxy: string): Labels => ({ ...haproxy, proxy, server, state: 'DOWN' });
  tests.push(
    ruleTest({
      name: `single fault: node ${app.name} down -> NodeDown fires first`,
      interval: env.prometheus.scrapeInterval,
      inputSeries: [
        ...appTargets.map((t, i) => ({ series: series('up', t), values: step(i === 0 ? k : k + 1, 1, 0) })),
        ...cadvisorSeries(app),
        ...servers.map((x) => ({ series: series('haproxy_server_status', serverLabels(x.server, x.proxy)), values: step(k + 1, 0, 1) })),
      ],
      alerts: [
        { at: time(k + 1, delay.cause), alertname: 'NodeDown', expected: [expected('NodeDown', { node: app.name })] },
        { at: time(k + 1, delay.cause), alertname: 'TargetDown', expected: [] },
        { at: time(k + 1, delay.cause), alertname: 'ChatOpsInstanceDown', expected: [] },
        { at: time(k + 1, delay.cause), alertname: 'HaproxyBackendServerDown', expected: [] },
        { at: end, alertname: 'TargetDown', expected: appTargets.map((t) => expected('TargetDown', t)) },
        { at: end, alertname: 'ChatOpsInstanceDown', expected: gone(app) },
        {
          at: end,
          alertname: 'HaproxyBackendServerDown',
          expected: servers.map((x) =>
            expected('HaproxyBackendServerDown', { ...serverLabels(x.server, x.proxy), node: app.name, lb_node: lb.name }),
          ),
        },
      ],
    }),
  );

  // cAdvisor's unit fails: its scrape fails first, the systemd exporter reports the unit failed a scrape later.
  const cadvisorUnit = unit(app, 'cadvisor.service');
  tests.push(
    ruleTest({
      name: `single fault: cadvisor.service failed on ${app.name} -> SystemdUnitDown fires first`,
      interval: env.prometheus.scrapeInterval,
      inputSeries: [
        { series: series('up', appTargets[0] as Labels), values: step(k, 1, 0) },
        { series: series('systemd_unit_state', cadvisorUnit), values: step(k + 1, 0, 1) },
        ...cadvisorSeries(app),
      ],
      alerts: [
        { at: time(k + 1, delay.cause), alertname: 'SystemdUnitDown', expected: [expected('SystemdUnitDown', cadvisorUnit)] },
        { at: time(k + 1, delay.cause), alertname: 'TargetDown', expected: [] },
        { at: time(k + 1, delay.cause), alertname: 'ChatOpsInstanceDown', expected: [] },
        { at: end, alertname: 'TargetDown', expected: [expected('TargetDown', appTargets[0] as Labels)] },
        { at: end, alertname: 'ChatOpsInstanceDown', expected: gone(app) },
      ],
    }),
  );

  // HAProxy's unit fails: its scrape and the public probes fail first, the unit is reported failed a scrape later.
  const haproxyUnit = unit(lb, 'haproxy.service');
  const prom = nodesWithRole(env, 'prometheus')[0];
  const publics = probeTargets(env).filter((t) => t.job === PROBE_JOBS.public);
  const probe = (t: (typeof publics)[number]): Labels => ({
    job: t.job,
    node: prom?.name ?? '',
    instance: t.instance,
    target_node: t.node.name,
    service: t.service,
    ...(t.proxy ? { proxy: t.proxy } : {}),
  });
  tests.push(
    ruleTest({
      name: 'single fault: haproxy.service failed -> SystemdUnitDown fires first',
      interval: env.prometheus.scrapeInterval,
      inputSeries: [
        { series: series('up', haproxy), values: step(k, 1, 0) },
        { series: series('systemd_unit_state', haproxyUnit), values: step(k + 1, 0, 1) },
        ...publics.map((t) => ({ series: series('probe_success', probe(t)), values: step(k, 1, 0) })),
        ...cadvisorSeries(),
      ],
      alerts: [
        { at: time(k + 1, delay.cause), alertname: 'SystemdUnitDown', expected: [expected('SystemdUnitDown', haproxyUnit)] },
        { at: time(k + 1, delay.cause), alertname: 'TargetDown', expected: [] },
        ...(publics.length > 0 ? [{ at: time(k + 1, delay.cause), alertname: 'EndpointProbeFailed', expected: [] }] : []),
        { at: end, alertname: 'TargetDown', expected: [expected('TargetDown', haproxy)] },
        ...(publics.length > 0
          ? [
              {
                at: end,
                alertname: 'EndpointProbeFailed',
                expected: publics.map((t) => expected('EndpointProbeFailed', { ...probe(t), node: lb.name })),
              },
            ]
          : []),
      ],
    }),
  );

  // Grafana's unit fails on every Grafana node: HAProxy marks the whole backend (and its servers) DOWN a scrape
  // before the units are reported failed. The backend alert carries the load balancer's node, so only the
  // unit alerts firing first let Alertmanager mute it (one page for the whole outage).
  const grafanas = nodesWithRole(env, 'grafana');
  const grafanaServers = haproxyServers(env).filter((x) => x.proxy === 'grafana');
  if (grafanas.length > 0 && grafanaServers.length > 0) {
    const grafanaUnits = grafanas.map((g) => unit(g, 'grafana-server.service'));
    const backend: Labels = { ...haproxy, proxy: 'grafana', state: 'DOWN' };
    tests.push(
      ruleTest({
        name: 'single fault: grafana-server.service failed on every Grafana node -> SystemdUnitDown fires before HaproxyBackendDown',
        interval: env.prometheus.scrapeInterval,
        inputSeries: [
          ...grafanaUnits.map((u) => ({ series: series('systemd_unit_state', u), values: step(k + 1, 0, 1) })),
          { series: series('haproxy_backend_status', backend), values: step(k, 0, 1) },
          ...grafanaServers.map((x) => ({
            series: series('haproxy_server_status', serverLabels(x.server, x.proxy)),
            values: step(k, 0, 1),
          })),
        ],
        alerts: [
          {
            at: time(k + 1, delay.cause),
            alertname: 'SystemdUnitDown',
            expected: grafanaUnits.map((u) => expected('SystemdUnitDown', u)),
          },
          { at: time(k + 1, delay.cause), alertname: 'HaproxyBackendDown', expected: [] },
          { at: time(k + 1, delay.cause), alertname: 'HaproxyBackendServerDown', expected: [] },
          { at: end, alertname: 'HaproxyBackendDown', expected: [expected('HaproxyBackendDown', backend)] },
        ],
      }),
    );
  }
  return tests;
}
