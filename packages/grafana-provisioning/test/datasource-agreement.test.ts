import { type Artifact, ConfigError } from '@chatops/core';
import { nodePath, nodeWithRole } from '@chatops/environment';
import { grafanaRenderer, grafanaDatasourceAgreement } from '@chatops/grafana-provisioning';
import { PROMETHEUS_PATHS, prometheusRenderer } from '@chatops/prometheus-rules';
import { describe, expect, it } from 'vitest';
import { exampleContext } from './_fixtures.js';

function bundles(ctx: ReturnType<typeof exampleContext>) {
  const map = new Map<string, Artifact[]>();
  for (const node of ctx.env.nodes) {
    const out: Artifact[] = [];
    if (node.roles.includes('grafana')) out.push(...grafanaRenderer.render(node, ctx).artifacts);
    if (node.roles.includes('prometheus')) out.push(...prometheusRenderer.render(node, ctx).artifacts);
    map.set(node.name, out);
  }
  return map;
}

function edit(map: Map<string, Artifact[]>, node: string, path: string, change: (s: string) => string) {
  map.set(
    node,
    (map.get(node) ?? []).map((a) => (a.path === path ? { ...a, content: change(a.content) } : a)),
  );
}

describe('grafana datasource agreement (stack check)', () => {
  it('holds for the example environments', () => {
    for (const name of ['prod', 'dev'] as const) {
      const ctx = exampleContext(name);
      expect(grafanaDatasourceAgreement.check(ctx, bundles(ctx))).toEqual([]);
    }
  });

  it('fails when Prometheus stops knowing the datasource user or moves its port', () => {
    const ctx = exampleContext('dev');
    const map = bundles(ctx);
    const prom = nodeWithRole(ctx.env, 'prometheus');
    edit(map, prom.name, nodePath(ctx.env, prom, PROMETHEUS_PATHS.web), (s) => s.replace(/^(\s+)grafana:/m, '$1grafana-old:'));
    edit(map, prom.name, nodePath(ctx.env, prom, PROMETHEUS_PATHS.defaults), (s) => s.replace(':9090', ':9091'));
    const problems = grafanaDatasourceAgreement.check(ctx, map);
    expect(new ConfigError(problems).message).toMatchInlineSnapshot(`
      "ports.prometheus: monitoring-1:/etc/grafana/provisioning/datasources/chatops.yaml: datasource https://10.1.0.41:9090 uses port 9090, Prometheus listens on 10.1.0.41:9091
      serviceAccounts.grafana.name: monitoring-1:/etc/grafana/provisioning/datasources/chatops.yaml: datasource user grafana is not in Prometheus' web.yml (admin, ops, grafana-old, prometheus)"
    `);
  });

  it('fails when a side is not rendered, or Prometheus has no listen address: nothing to compare', () => {
    const ctx = exampleContext('dev');
    const prom = nodeWithRole(ctx.env, 'prometheus');
    const defaults = nodePath(ctx.env, prom, PROMETHEUS_PATHS.defaults);
    const message = (map: Map<string, Artifact[]>) => new ConfigError(grafanaDatasourceAgreement.check(ctx, map)).message;

    const noSides = new Map([...bundles(ctx)].map(([node]) => [node, [] as Artifact[]]));
    expect(message(noSides)).toMatchInlineSnapshot(`
      "nodes.2: monitoring-1:/etc/prometheus/web.yml is not rendered: no Prometheus users, nothing to compare
      nodes.2: monitoring-1:/etc/default/prometheus is not rendered: no Prometheus listen address, nothing to compare
      nodes.2: monitoring-1:/etc/grafana/provisioning/datasources/chatops.yaml is not rendered: no Grafana datasource, nothing to compare"
    `);

    const noListen = bundles(ctx);
    edit(noListen, prom.name, defaults, (s) => s.replace(/--web\.listen-address=\S+ /, ''));
    expect(message(noListen)).toMatchInlineSnapshot(
      `"nodes.2: monitoring-1:/etc/default/prometheus: ARGS has no --web.listen-address: no Prometheus port to compare Grafana's datasource with"`,
    );
  });
});
