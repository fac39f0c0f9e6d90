import { type Environment, PROBE_JOBS, chatopsInstances, nodeWithRole, nodesWithRole, probeTargets, servicesOn } from '@chatops/environment';
import { ANNOTATIONS } from './_annotations.js';
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

type Tested = 'ChatOpsInstanceDown' | 'SystemdUnitDown' | 'NodeDown' | 'TargetDown' | 'HaproxyBackendServerDown' | 'EndpointProbeFailed' | 'CertificateExpiresSoon';

function expected(alert: Tested, labels: Labels, severity = 'critical', value = '') {
  const a = ANNOTATIONS[alert];
  return { labels: { ...labels, severity }, annotations: { summary: expand(a.summary, labels, value), description: expand(a.description, labels, value) } };
}

/**
 * promtool tests of `defaultAlertRules(env)` (with its default `for` durations): a failed unit fires only where
 * it is placed, a stale and a vanished ChatOps container both fire, a target that stops answering fires, and a
 * DOWN HAProxy server fires. Render them with `printRuleTestFile` next to the rendered rule file.
 */
export function defaultRuleTests(env: Environment): RuleTestCase[] {
  const tests: RuleTestCase[] = [];
  const node = env.nodes.find((n) => unitsOn(env, n).length > 1) ?? env.nodes[0];
  if (!node) return tests;
  const units = unitsOn(env, node);
  const failing = units[0] ?? 'filebeat.service';
  const instance = `${node.address}:${env.ports.systemdExporter}`;
  const base = { job: 'systemd', node: node.name, instance, type: 'service' };
  const foreign = ['grafana-server.service', 'haproxy.service', 'kibana.service', 'certbot.service'].find((u) => !units.includes(u)) ?? 'unplaced.service';
  const failed = { ...base, name: failing, state: 'failed' };
  tests.push(
    ruleTest({
      name: `SystemdUnitDown fires for ${failing} on ${node.name} only`,
      interval: '1m',
      inputSeries: [
        { series: series('systemd_unit_state', failed), values: '0 0 1x8' },
        { series: series('systemd_unit_state', { ...base, name: failing, state: 'active' }), values: '1 1 0x8' },
        ...units.slice(1).map((u) => ({ series: series('systemd_unit_state', { ...base, name: u, state: 'active' }), values: '1x10' })),
        { series: series('systemd_unit_state', { ...base, name: foreign, state: 'inactive' }), values: '1x10' },
      ],
      alerts: [
        { at: '1m', alertname: 'SystemdUnitDown', expected: [] },
        { at: '5m', alertname: 'SystemdUnitDown', expected: [expected('SystemdUnitDown', failed)] },
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
    const fired = [expected('ChatOpsInstanceDown', cadvisor(stale))];
    if (gone) fired.push(expected('ChatOpsInstanceDown', { job: 'cadvisor', node: gone.node.name, name: gone.containerName }));
    tests.push(
      ruleTest({
        name: 'ChatOpsInstanceDown fires for a stale and for a vanished container',
        interval: '1m',
        inputSeries: [
          { series: series('container_last_seen', cadvisor(stale)), values: '0+60x2 120x8' },
          ...healthy.map((i) => ({ series: series('container_last_seen', cadvisor(i)), values: '0+60x10' })),
        ],
        alerts: [{ at: '6m', alertname: 'ChatOpsInstanceDown', expected: fired }],
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
        { at: '5m', alertname: 'TargetDown', expected: [expected('TargetDown', target)] },
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
        { at: '5m', alertname: 'NodeDown', expected: [expected('NodeDown', { node: node.name })] },
        { at: '5m', alertname: 'TargetDown', expected: [expected('TargetDown', target), expected('TargetDown', systemd)] },
      ],
    }),
  );

  const lb = env.nodes.find((n) => servicesOn(env, n).includes('haproxy'));
  if (lb && nodesWithRole(env, 'chatops').length > 0) {
    const server = { job: 'haproxy', node: lb.name, instance: `${lb.address}:${env.ports.haproxyMetrics}`, proxy: 'chatops', server: 'chatops-1' };
    tests.push(
      ruleTest({
        name: 'HaproxyBackendServerDown fires for a DOWN server',
        interval: '1m',
        inputSeries: [
          { series: series('haproxy_server_status', { ...server, state: 'DOWN' }), values: '0 0 1x8' },
          { series: series('haproxy_server_status', { ...server, state: 'UP' }), values: '1 1 0x8' },
        ],
        alerts: [{ at: '5m', alertname: 'HaproxyBackendServerDown', expected: [expected('HaproxyBackendServerDown', { ...server, state: 'DOWN' })] }],
      }),
    );
  }
  tests.push(...probeRuleTests(env));
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
              : [expected('CertificateExpiresSoon', onTarget(other), 'warning', '3'), expected('CertificateExpiresSoon', onTarget(other), 'critical', '3')]),
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
          ...targets.filter((t) => t.job === PROBE_JOBS.public && t !== pub).map((t) => ({ series: series('probe_success', labels(t)), values: '1x10' })),
        ],
        alerts: [
          { at: '3m', alertname: 'EndpointProbeFailed', expected: [] },
          { at: '6m', alertname: 'EndpointProbeFailed', expected: [expected('EndpointProbeFailed', onTarget(pub))] },
        ],
      }),
    );
  }
  return tests;
}
