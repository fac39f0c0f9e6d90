import { type Artifact, ConfigError } from '@chatops/core';
import { type RenderContext, type StackCheck, nodeWithRole, unitsOn } from '@chatops/environment';
import {
  type HaproxyConfig,
  type Server,
  buildEdgeConfig,
  haproxyRenderer,
  publicCertPath,
  validateHaproxyConfig,
} from '@chatops/haproxy-config';
import { prometheusRenderer } from '@chatops/prometheus-rules';
import { UNITS_CHECKS, UNITS_RENDERERS, haproxyBackendsCheck } from '@chatops/units';
import { containerNamesMatchAlertRules, haproxyBackendsMatchAppUnits, scrapeTargetsMatchExporterUnits } from '../src/stack-checks.js';
import { haproxyBundlePath } from '../src/certbot-renewal.js';
import { describe, expect, it } from 'vitest';
import { exampleContext, renderAll } from '@chatops/testing';

const ctx: RenderContext = exampleContext('prod');
const pristine = () => renderAll(ctx, [haproxyRenderer, prometheusRenderer, ...UNITS_RENDERERS]);

/** Rewrites one artifact of a node's bundle (the way a hand edit or a renderer drift would). */
function edit(bundles: Map<string, Artifact[]>, node: string, pathEnd: string, change: (text: string) => string): Map<string, Artifact[]> {
  const list = bundles.get(node)!;
  const i = list.findIndex((a) => a.path.endsWith(pathEnd));
  expect(i, `${node} has ${pathEnd}`).toBeGreaterThanOrEqual(0);
  const before = list[i]!;
  const after = change(before.content);
  expect(after).not.toBe(before.content);
  list[i] = { ...before, content: after };
  return bundles;
}

/** The edge model the HAProxy renderer builds, with each server changed by `change`. */
function editEdge(change: (s: Server) => Server): HaproxyConfig {
  const edge = validateHaproxyConfig(buildEdgeConfig(ctx.env, nodeWithRole(ctx.env, 'loadbalancer')));
  return { ...edge, backends: edge.backends.map((b) => ({ ...b, servers: b.servers.map(change) })) };
}

/** What the stack would print: the ConfigError of a check's diagnostics. */
function failure(check: StackCheck, bundles: Map<string, Artifact[]>): string {
  const d = check.check(ctx, bundles);
  return d.length === 0 ? 'no problem found' : new ConfigError(d).message;
}

describe('cross-checks on the real renderers (prod)', () => {
  it('find nothing wrong in the stack as rendered', () => {
    const bundles = pristine();
    expect(UNITS_CHECKS.flatMap((c) => c.check(ctx, bundles))).toEqual([]);
  });

  it('scrape target <-> exporter unit: a moved exporter port fails both ways', () => {
    const bundles = edit(pristine(), 'chatops-1', '/etc/default/prometheus-node-exporter', (t) => t.replace(':9100 ', ':9101 '));
    expect(failure(scrapeTargetsMatchExporterUnits, bundles)).toMatchInlineSnapshot(`
      "/etc/prometheus/prometheus.yml: scrape_configs.node/chatops-1: job node/chatops-1 scrapes 10.0.0.21:9100 but no node-exporter unit listens there (it listens on 10.0.0.21:9101)
      /etc/default/prometheus-node-exporter: prometheus-node-exporter on chatops-1 listens on 10.0.0.21:9101/metrics but no scrape job targets it"
    `);
  });

  it('scrape target <-> exporter unit: a different metrics path fails', () => {
    const bundles = edit(pristine(), 'grafana-1', '/etc/default/systemd-exporter', (t) =>
      t.replace('telemetry-path=/metrics', 'telemetry-path=/metrix'),
    );
    expect(failure(scrapeTargetsMatchExporterUnits, bundles)).toMatchInlineSnapshot(
      `"/etc/prometheus/prometheus.yml: scrape_configs.systemd/grafana-1.metrics_path: job systemd/grafana-1 scrapes path /metrics but systemd-exporter on grafana-1 serves metrics at /metrix"`,
    );
  });

  it('scrape target <-> exporter unit: cAdvisor behind its TLS terminator on another port fails', () => {
    const bundles = edit(pristine(), 'chatops-2', '/etc/chatops/stunnel/cadvisor-tls.conf', (t) =>
      t.replace('accept = 10.0.0.22:8080', 'accept = 10.0.0.22:8081'),
    );
    expect(failure(scrapeTargetsMatchExporterUnits, bundles)).toMatch(
      /job cadvisor\/chatops-2 scrapes 10\.0\.0\.22:8080 but no cadvisor unit listens there \(it listens on 10\.0\.0\.22:8081\)/,
    );
  });

  it('HAProxy backend <-> app unit: a server on a port no instance serves fails, and the orphaned instance is named', () => {
    const check = haproxyBackendsCheck({
      edge: () => editEdge((s) => (s.address === '10.0.0.22' && s.port === 3001 ? { ...s, port: 3005 } : s)),
    });
    expect(failure(check, pristine())).toMatch(
      /haproxy\.cfg: backend\.chatops\.server\.chatops-2-2: server chatops-2-2 targets chatops-2:3005 but no chatops unit serves that port \(chatops units on chatops-2 serve 3000, 3001\)\n.*instance-2\.env: chatops@2\.service on chatops-2 \(port 3001\) is in no HAProxy backend/,
    );
  });

  it('HAProxy backend <-> app unit: a server without TLS or without the health check fails', () => {
    const plain = haproxyBackendsCheck({ edge: () => editEdge(({ ssl: _, ...s }) => (s.address === '10.0.0.21' ? s : { ...s, ssl: _ })) });
    expect(failure(plain, pristine())).toMatch(
      /server chatops-1-1 connects without ssl but chatops@1\.service on chatops-1 is served over TLS/,
    );
    const edge = editEdge((s) => s);
    const unchecked = haproxyBackendsCheck({ edge: () => ({ ...edge, backends: edge.backends.map(({ httpCheck: _, ...b }) => b) }) });
    expect(failure(unchecked, pristine())).toMatch(/backend chatops does not health-check \/\S* \(checks nothing\)/);
  });

  it('HAProxy backend <-> app unit: an instance served elsewhere by chatops-tls fails', () => {
    const bundles = edit(pristine(), 'chatops-3', '/etc/chatops/stunnel/chatops-tls.conf', (t) =>
      t.replace('accept = 10.0.0.23:3000', 'accept = 10.0.0.23:3100'),
    );
    expect(failure(haproxyBackendsMatchAppUnits, bundles)).toMatch(
      /server chatops-3-1 targets chatops-3:3000 but no chatops unit serves that port \(chatops units on chatops-3 serve 3100, 3001\)/,
    );
  });

  it('container name <-> alert rule: a renamed container fails', () => {
    const bundles = edit(pristine(), 'chatops-1', '/etc/chatops/app/instance-2.env', (t) =>
      t.replace('CHATOPS_CONTAINER="chatops-2"', 'CHATOPS_CONTAINER="chatops-two"'),
    );
    expect(failure(containerNamesMatchAlertRules, bundles)).toMatch(
      /instance-2\.env: container chatops-two \(chatops@2\.service on chatops-1\) is watched by no alert rule/,
    );
  });

  it('container name <-> alert rule: a rule watching a container nobody starts fails', () => {
    const bundles = edit(pristine(), 'prometheus-1', '/etc/prometheus/rules/chatops.rules.yml', (t) =>
      t.replaceAll('name=~"chatops-1|chatops-2"', 'name=~"chatops-9"'),
    );
    expect(failure(containerNamesMatchAlertRules, bundles)).toMatch(
      /matches name=~"chatops-9", which matches no container a chatops unit starts/,
    );
  });

  it('scrape target <-> exporter unit: fails when there is nothing to check', () => {
    expect(failure(scrapeTargetsMatchExporterUnits, new Map())).toMatch(/no prometheus\.yml is rendered/);
    const noExporters = new Map(
      [...pristine()].map(([node, list]) => [node, list.filter((a) => !/\/etc\/default\/|cadvisor-tls\.conf$/.test(a.path))]),
    );
    expect(failure(scrapeTargetsMatchExporterUnits, noExporters)).toMatch(/no exporter unit is rendered/);
    const noJobs = edit(pristine(), 'prometheus-1', '/etc/prometheus/prometheus.yml', (t) =>
      t.replaceAll(/job: (node|systemd|cadvisor)$/gm, 'job: other-$1'),
    );
    expect(failure(scrapeTargetsMatchExporterUnits, noJobs)).toMatch(/no scrape job of prometheus\.yml targets an exporter/);
  });

  it('HAProxy backend <-> app unit: fails when there is nothing to check', () => {
    expect(failure(haproxyBackendsMatchAppUnits, new Map())).toMatch(/no chatops instance is rendered/);
    const edge = editEdge((s) => s);
    const noApp = haproxyBackendsCheck({ edge: () => ({ ...edge, backends: edge.backends.filter((b) => b.name !== 'chatops') }) });
    expect(failure(noApp, pristine())).toMatch(/no HAProxy server targets a chatops node: instances chatops-1:3000, .* are unreachable/);
  });

  it('container name <-> alert rule: fails when there is nothing to check', () => {
    expect(failure(containerNamesMatchAlertRules, new Map())).toMatch(/no Prometheus rule file is rendered/);
    const noInstances = new Map([...pristine()].map(([node, list]) => [node, list.filter((a) => !/instance-\d+\.env$/.test(a.path))]));
    expect(failure(containerNamesMatchAlertRules, noInstances)).toMatch(/no chatops instance is rendered/);
    const unwatched = edit(pristine(), 'prometheus-1', '/etc/prometheus/rules/chatops.rules.yml', (t) =>
      t.replaceAll('container_last_seen', 'container_start_time_seconds'),
    );
    expect(failure(containerNamesMatchAlertRules, unwatched)).toMatch(/no alert rule watches container_last_seen\{name=\.\.\.\}/);
  });

  it('the certbot deploy hook writes the bundle HAProxy reads', () => {
    const lb = ctx.env.nodes[0]!;
    expect(haproxyBundlePath(ctx.env, lb)).toBe(publicCertPath(ctx, lb));
  });

  it('renders a unit or drop-in for every unit the systemd alert watches (unitsOn)', () => {
    const bundles = pristine();
    for (const node of ctx.env.nodes) {
      const rendered = (bundles.get(node.name) ?? [])
        .map((a) => /\/etc\/systemd\/system\/([^/]+\.service)(?:\.d\/[^/]+\.conf)?$/.exec(a.path)?.[1])
        .filter((u): u is string => u !== undefined);
      const ours = unitsOn(ctx.env, node).filter((u) =>
        /^(prometheus-node-exporter|systemd-exporter|cadvisor|chatops@\d+)\.service$/.test(u),
      );
      for (const unit of ours) expect(rendered).toContain(unit.replace(/@\d+\.service$/, '@.service'));
    }
  });
});
