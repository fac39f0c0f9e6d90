import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliIo, runCli } from '@chatops/render';
import type { Manifest } from '@chatops/stack';
import { SERVICE_SIGNATURES, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const EXAMPLE = join(__dirname, '../examples/cloud-chatops');

const EVERYWHERE = ['filebeat', 'systemd-exporter', 'node-exporter'];

/** The real deployment behind the seed (DESIGN.md §9), written out by hand rather than derived. */
const SEED: Readonly<Record<string, readonly string[]>> = {
  'lb-1': ['haproxy', 'certbot'],
  'chatops-1': ['chatops', 'cadvisor'],
  'chatops-2': ['chatops', 'cadvisor'],
  'chatops-3': ['chatops', 'cadvisor'],
  'grafana-1': ['grafana'],
  'grafana-2': ['grafana'],
  // The blackbox exporter is ours (issue #13: certificate expiry and public probes), beside Prometheus.
  'prometheus-1': ['prometheus', 'alertmanager', 'blackbox-exporter'],
  'elastic-1': ['elasticsearch', 'kibana', 'logstash'],
};

describe('npx @chatops/render prod, read back from its manifest', () => {
  it('configures every service of the seed on exactly the nodes that run it, and nowhere else', async () => {
    using dir = tempDir();
    const config = join(dir.path, 'config');
    cpSync(join(EXAMPLE, 'environments'), join(config, 'environments'), { recursive: true });
    const io: CliIo = { cwd: dir.path, env: {}, stdout: () => {}, stderr: (t) => expect.fail(t) };
    expect(await runCli(['prod', '--config', config], io)).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir.path, 'out/prod/manifest.json'), 'utf8')) as Manifest;

    expect(Object.keys(manifest.nodes)).toEqual(Object.keys(SEED));
    for (const [node, services] of Object.entries(SEED)) {
      const expected = [...services, ...EVERYWHERE].sort();
      const entry = manifest.nodes[node]!;
      expect([...entry.services].sort(), node).toEqual(expected);
      const configured = Object.entries(SERVICE_SIGNATURES)
        .filter(([, re]) => entry.artifacts.some((a) => re.test(a.path)))
        .map(([s]) => s);
      expect(configured.sort(), `${node}: services whose config is on the node`).toEqual(expected);
      // Every file states its owner, group, mode and what a change needs.
      for (const a of entry.artifacts) expect(a.owner && a.group && a.mode && a.action, `${node}:${a.path}`).toBeTruthy();
    }
    // The apply order puts the backends before the edge.
    const order = manifest.order.map((s) => s.service);
    expect(order.indexOf('elasticsearch')).toBeLessThan(order.indexOf('logstash'));
    expect(order.lastIndexOf('chatops')).toBeLessThan(order.indexOf('haproxy'));
    expect(order[order.length - 1]).toBe('haproxy');
  });
});
