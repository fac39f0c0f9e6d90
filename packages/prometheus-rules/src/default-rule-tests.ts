import { type Environment, chatopsInstances, nodesWithRole, servicesOn } from '@chatops/environment';
import { ANNOTATIONS } from './_annotations.js';
import { type RuleTestCase, ruleTest } from './rule-test.js';
import { unitsOn } from '@chatops/environment';

type Labels = Record<string, string>;

function series(metric: string, labels: Labels): string {
  return `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/** Expands the `{{ $labels.x }}` references of the default rules' annotations (all they use besides `$value`). */
function expand(template: string, labels: Labels): string {
  return template.replace(/\{\{ \$labels\.([a-zA-Z_]\w*) \}\}/g, (_, name: string) => labels[name] ?? '');
}

function expected(alert: 'ChatOpsInstanceDown' | 'SystemdUnitDown' | 'NodeDown' | 'TargetDown' | 'HaproxyBackendServerDown', labels: Labels, severity = 'critical') {
  const a = ANNOTATIONS[alert];
  return { labels: { ...labels, severity }, annotations: { summary: expand(a.summary, labels), description: expand(a.description, labels) } };
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
  return tests;
}
