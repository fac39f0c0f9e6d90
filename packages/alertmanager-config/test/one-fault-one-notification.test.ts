import { RouteSimulator, validateAlertmanagerConfig } from '@chatops/alertmanager-config';
import { ALERTMANAGER_PATHS } from '../src/alertmanager-renderer.js';
import { type Environment, chatopsInstances, nodePath, nodeWithRole, nodesWithRole, probeTargets } from '@chatops/environment';
import { haproxyServers } from '@chatops/prometheus-rules';
import { renderExample } from '@chatops/testing';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

type Labels = Record<string, string>;

/**
 * The alerts one fault raises together in the prod example, with the labels the stack's rules and scrape
 * configs give them (`job`/`node` from the scrape config; probe alerts carry the probed node as `node`).
 */
function faults(env: Environment): Record<string, Labels[]> {
  const lb = nodeWithRole(env, 'loadbalancer');
  const prom = nodeWithRole(env, 'prometheus');
  const app = nodesWithRole(env, 'chatops')[1] ?? nodeWithRole(env, 'chatops');
  const [grafana1, grafana2] = nodesWithRole(env, 'grafana');
  const haproxy = { job: 'haproxy', node: lb.name, instance: `${lb.address}:${env.ports.haproxyMetrics}` };
  const target = (job: string, port: number): Labels => ({
    alertname: 'TargetDown',
    severity: 'critical',
    job,
    node: app.name,
    instance: `${app.address}:${port}`,
  });
  const grafanaProbe = probeTargets(env).find((t) => t.proxy === 'grafana');
  const kibanaProbe = probeTargets(env).find((t) => t.proxy === 'kibana');
  const chatopsProbe = probeTargets(env).find((t) => t.proxy === 'chatops');
  const kibana = nodeWithRole(env, 'kibana');
  const internal = probeTargets(env).find((t) => t.job === 'probe-internal' && t.node.name === app.name);
  const probeLabels = (t: typeof internal): Labels => ({
    job: t?.job ?? '',
    node: t?.node.name ?? '',
    instance: t?.instance ?? '',
    target_node: t?.node.name ?? '',
    service: t?.service ?? '',
  });
  const containers = chatopsInstances(env, app).map((i) => ({
    alertname: 'ChatOpsInstanceDown',
    severity: 'critical',
    job: 'cadvisor',
    node: app.name,
    name: i.containerName,
  }));
  // HaproxyBackendServerDown speaks of the node behind the server; the load balancer's node is `lb_node`.
  const appServers = haproxyServers(env)
    .filter((x) => x.node.name === app.name)
    .map((x) => ({
      alertname: 'HaproxyBackendServerDown',
      severity: 'critical',
      ...haproxy,
      node: app.name,
      lb_node: lb.name,
      proxy: x.proxy,
      server: x.server,
      state: 'DOWN',
    }));
  const unit = (node: string, name: string): Labels => ({
    alertname: 'SystemdUnitDown',
    severity: 'critical',
    job: 'systemd',
    node,
    name,
    state: 'failed',
  });
  const publicProbes = probeTargets(env)
    .filter((t) => t.job === 'probe-public')
    .map((t) => ({ alertname: 'EndpointProbeFailed', severity: 'critical', ...probeLabels(t), proxy: t.proxy ?? '' }));
  const [instance] = chatopsInstances(env, app);
  const serverDown = (proxy: string, node: string, server: string): Labels => ({
    alertname: 'HaproxyBackendServerDown',
    severity: 'critical',
    ...haproxy,
    node,
    lb_node: lb.name,
    proxy,
    server,
    state: 'DOWN',
  });
  /** A routed service down on every server: its backend, each server and its public probe. */
  const routeDown = (proxy: string, servers: readonly { node: string; server: string }[], probe: typeof internal): Labels[] => [
    { alertname: 'HaproxyBackendDown', severity: 'critical', ...haproxy, proxy, state: 'DOWN' },
    ...servers.map((x) => serverDown(proxy, x.node, x.server)),
    { alertname: 'EndpointProbeFailed', severity: 'critical', ...probeLabels(probe), proxy },
  ];
  const grafanaDown = routeDown(
    'grafana',
    [grafana1, grafana2].map((g) => ({ node: g?.name ?? '', server: g?.name ?? '' })),
    grafanaProbe,
  );
  return {
    'node down': [
      { alertname: 'NodeDown', severity: 'critical', node: app.name },
      target('node', env.ports.nodeExporter),
      target('systemd', env.ports.systemdExporter),
      target('cadvisor', env.ports.cadvisor),
      ...containers,
      ...appServers,
    ],
    'cAdvisor hung': [target('cadvisor', env.ports.cadvisor), ...containers],
    'cadvisor.service failed': [unit(app.name, 'cadvisor.service'), target('cadvisor', env.ports.cadvisor), ...containers],
    'haproxy.service failed': [
      unit(lb.name, 'haproxy.service'),
      { alertname: 'TargetDown', severity: 'critical', ...haproxy },
      ...publicProbes,
    ],
    'haproxy.service crash-looping': [
      { ...unit(lb.name, 'haproxy.service'), alertname: 'SystemdUnitCrashLooping', state: '' },
      { alertname: 'TargetDown', severity: 'critical', ...haproxy },
      ...publicProbes,
    ],
    'HAProxy hung': [{ alertname: 'TargetDown', severity: 'critical', ...haproxy }, ...publicProbes],
    'one ChatOps unit failed': [
      unit(app.name, instance?.unit ?? ''),
      ...containers.filter((c) => c.name === instance?.containerName),
      ...appServers.filter((x) => x.server === `${app.name}-${instance?.index}`),
    ],
    'lb down': [
      { alertname: 'NodeDown', severity: 'critical', node: lb.name },
      ...['haproxy', 'node', 'systemd'].map((job) => ({
        alertname: 'TargetDown',
        severity: 'critical',
        job,
        node: lb.name,
        instance: `${lb.address}:0`,
      })),
      ...publicProbes,
    ],
    'backend down': [...grafanaDown],
    'grafana-server failed on every Grafana node': [
      unit(grafana1?.name ?? '', 'grafana-server.service'),
      unit(grafana2?.name ?? '', 'grafana-server.service'),
      ...grafanaDown,
    ],
    'kibana.service failed (its only node)': [
      unit(kibana.name, 'kibana.service'),
      ...routeDown('kibana', [{ node: kibana.name, server: kibana.name }], kibanaProbe),
    ],
    'every ChatOps instance failed': [
      ...nodesWithRole(env, 'chatops').flatMap((n) => chatopsInstances(env, n).map((i) => unit(n.name, i.unit))),
      ...routeDown(
        'chatops',
        haproxyServers(env)
          .filter((x) => x.proxy === 'chatops')
          .map((x) => ({ node: x.node.name, server: x.server })),
        chatopsProbe,
      ),
    ],
    'one server down': [serverDown('grafana', grafana1?.name ?? '', grafana1?.name ?? '')],
    'Slack down': [
      {
        alertname: 'AlertmanagerNotificationsFailing',
        severity: 'warning',
        job: 'alertmanager',
        node: prom.name,
        instance: `${prom.address}:${env.ports.alertmanager}`,
        integration: 'slack',
      },
    ],
    'certificate expiring in 3 days': [
      { alertname: 'CertificateExpiresSoon', severity: 'warning', ...probeLabels(internal) },
      { alertname: 'CertificateExpiresSoon', severity: 'critical', ...probeLabels(internal) },
    ],
  };
}

describe('each single fault notifies each receiver once', () => {
  it('derived inhibitions leave one alert group per receiver, the widest alert of the fault', async () => {
    const { ctx, result } = await renderExample('prod');
    const node = nodeWithRole(ctx.env, 'alertmanager');
    const text =
      (result.bundles.get(node.name) ?? []).find((a) => a.path === nodePath(ctx.env, node, ALERTMANAGER_PATHS.config))?.content ?? '';
    const sim = new RouteSimulator(validateAlertmanagerConfig(load(text)));
    const table = Object.entries(faults(ctx.env)).map(([fault, alerts]) => {
      const notifications = sim.notifications(alerts);
      return `${fault}: ${notifications.map((n) => `${n.receiver} <- ${[...new Set(n.alerts.map((a) => `${a.alertname}/${a.severity}`))].join(', ')}`).join('; ')}`;
    });
    expect(table).toEqual([
      'node down: slack <- NodeDown/critical; email <- NodeDown/critical',
      'cAdvisor hung: slack <- TargetDown/critical; email <- TargetDown/critical',
      'cadvisor.service failed: slack <- SystemdUnitDown/critical; email <- SystemdUnitDown/critical',
      'haproxy.service failed: slack <- SystemdUnitDown/critical; email <- SystemdUnitDown/critical',
      'haproxy.service crash-looping: slack <- SystemdUnitCrashLooping/critical; email <- SystemdUnitCrashLooping/critical',
      'HAProxy hung: slack <- TargetDown/critical; email <- TargetDown/critical',
      'one ChatOps unit failed: slack <- SystemdUnitDown/critical; email <- SystemdUnitDown/critical',
      'lb down: slack <- NodeDown/critical; email <- NodeDown/critical',
      'backend down: slack <- HaproxyBackendDown/critical; email <- HaproxyBackendDown/critical',
      'grafana-server failed on every Grafana node: slack <- SystemdUnitDown/critical; email <- SystemdUnitDown/critical',
      'kibana.service failed (its only node): slack <- SystemdUnitDown/critical; email <- SystemdUnitDown/critical',
      'every ChatOps instance failed: slack <- SystemdUnitDown/critical; email <- SystemdUnitDown/critical',
      'one server down: slack <- HaproxyBackendServerDown/critical; email <- HaproxyBackendServerDown/critical',
      'Slack down: email <- AlertmanagerNotificationsFailing/warning',
      'certificate expiring in 3 days: slack <- CertificateExpiresSoon/critical; email <- CertificateExpiresSoon/critical',
    ]);
  });
});

describe('HAProxy server alerts speak of the node behind the server', () => {
  it('haproxyServers names every server of the rendered haproxy.cfg, with the node it sends traffic to', async () => {
    const { ctx, result } = await renderExample('prod');
    const lb = nodeWithRole(ctx.env, 'loadbalancer');
    const cfg = (result.bundles.get(lb.name) ?? []).find((a) => a.path.endsWith('/haproxy/haproxy.cfg'))?.content ?? '';
    const rendered: string[] = [];
    let backend = '';
    for (const line of cfg.split('\n')) {
      const b = /^backend (\S+)/.exec(line);
      if (b) backend = b[1] ?? '';
      const s = /^\s+server (\S+) ([\d.]+):/.exec(line);
      if (s && backend !== 'certbot') rendered.push(`${backend}/${s[1]} ${ctx.env.nodes.find((n) => n.address === s[2])?.name}`);
    }
    expect(rendered.length).toBeGreaterThan(0);
    expect(
      haproxyServers(ctx.env)
        .map((x) => `${x.proxy}/${x.server} ${x.node.name}`)
        .sort(),
    ).toEqual(rendered.sort());
  });
});
