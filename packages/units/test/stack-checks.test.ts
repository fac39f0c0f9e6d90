import { type Artifact, ConfigError } from '@chatops/core';
import { type RenderContext, type StackCheck, unitsOn } from '@chatops/environment';
import { haproxyRenderer, publicCertPath } from '@chatops/haproxy-config';
import { PROMETHEUS_RENDERER } from '@chatops/prometheus-rules';
import { UNITS_CHECKS, UNITS_RENDERERS, containerNamesMatchAlertRules, haproxyBackendsMatchAppUnits, haproxyBundlePath, scrapeTargetsMatchExporterUnits } from '@chatops/units';
import { describe, expect, it } from 'vitest';
import { exampleContext, renderAll } from '@chatops/testing';

const ctx: RenderContext = exampleContext('prod');
const pristine = () => renderAll(ctx, [haproxyRenderer, PROMETHEUS_RENDERER, ...UNITS_RENDERERS]);

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
    const bundles = edit(pristine(), 'grafana-1', '/etc/default/systemd-exporter', (t) => t.replace('telemetry-path=/metrics', 'telemetry-path=/metrix'));
    expect(failure(scrapeTargetsMatchExporterUnits, bundles)).toMatchInlineSnapshot(`"/etc/prometheus/prometheus.yml: scrape_configs.systemd/grafana-1.metrics_path: job systemd/grafana-1 scrapes path /metrics but systemd-exporter on grafana-1 serves metrics at /metrix"`);
  });

  it('scrape target <-> exporter unit: cAdvisor behind its TLS terminator on another port fails', () => {
    const bundles = edit(pristine(), 'chatops-2', '/etc/chatops/stunnel/cadvisor-tls.conf', (t) => t.replace('accept = 10.0.0.22:8080', 'accept = 10.0.0.22:8081'));
    expect(failure(scrapeTargetsMatchExporterUnits, bundles)).toMatch(/job cadvisor\/chatops-2 scrapes 10\.0\.0\.22:8080 but no cadvisor unit listens there \(it listens on 10\.0\.0\.22:8081\)/);
  });

  it('HAProxy backend <-> app unit: a server on a port no instance serves fails, and the orphaned instance is named', () => {
    const bundles = edit(pristine(), 'lb-1', '/etc/haproxy/haproxy.cfg', (t) => t.replace('10.0.0.22:3001', '10.0.0.22:3005'));
    expect(failure(haproxyBackendsMatchAppUnits, bundles)).toMatch(
      /haproxy\.cfg:\d+: backend\.chatops\.server\.chatops-2-2: server chatops-2-2 targets chatops-2:3005 but no chatops unit serves that port \(chatops units on chatops-2 serve 3000, 3001\)\n.*instance-2\.env: chatops@2\.service on chatops-2 \(port 3001\) is in no HAProxy backend/,
    );
  });

  it('HAProxy backend <-> app unit: an instance served elsewhere by chatops-tls fails', () => {
    const bundles = edit(pristine(), 'chatops-3', '/etc/chatops/stunnel/chatops-tls.conf', (t) => t.replace('accept = 10.0.0.23:3000', 'accept = 10.0.0.23:3100'));
    expect(failure(haproxyBackendsMatchAppUnits, bundles)).toMatch(/server chatops-3-1 targets chatops-3:3000 but no chatops unit serves that port \(chatops units on chatops-3 serve 3100, 3001\)/);
  });

  it('container name <-> alert rule: a renamed container fails', () => {
    const bundles = edit(pristine(), 'chatops-1', '/etc/chatops/app/instance-2.env', (t) => t.replace('CHATOPS_CONTAINER="chatops-2"', 'CHATOPS_CONTAINER="chatops-two"'));
    expect(failure(containerNamesMatchAlertRules, bundles)).toMatch(/instance-2\.env: container chatops-two \(chatops@2\.service on chatops-1\) is watched by no alert rule/);
  });

  it('container name <-> alert rule: a rule watching a container nobody starts fails', () => {
    const bundles = edit(pristine(), 'prometheus-1', '/etc/prometheus/rules/chatops.rules.yml', (t) => t.replaceAll('name="chatops-1"', 'name="chatops-9"'));
    expect(failure(containerNamesMatchAlertRules, bundles)).toMatch(/watches container chatops-9, which no chatops unit starts/);
  });

  it('the certbot deploy hook writes the bundle HAProxy reads', () => {
    const lb = ctx.env.nodes[0]!;
    expect(haproxyBundlePath(ctx.env, lb)).toBe(publicCertPath(ctx, lb));
  });

  it('renders a unit for every unit the systemd alert watches (unitsOn)', () => {
    const bundles = pristine();
    for (const node of ctx.env.nodes) {
      const rendered = (bundles.get(node.name) ?? []).map((a) => /\/etc\/systemd\/system\/([^/]+\.service)$/.exec(a.path)?.[1]).filter((u): u is string => u !== undefined);
      const ours = unitsOn(ctx.env, node).filter((u) => /^(prometheus-node-exporter|systemd-exporter|cadvisor|chatops@\d+)\.service$/.test(u));
      for (const unit of ours) expect(rendered).toContain(unit.replace(/@\d+\.service$/, '@.service'));
    }
  });
});
