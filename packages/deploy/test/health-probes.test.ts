import { nodePath } from '@chatops/environment';
import { exampleContext, renderAll } from '@chatops/testing';
import { RENDERERS } from '@chatops/stack';
import { describe, expect, it } from 'vitest';
import { healthProbes } from '../src/health-probes.js';

describe.each(['prod', 'dev'] as const)('%s: health probes of services that require a client certificate', (name) => {
  const ctx = exampleContext(name);
  const bundles = renderAll(ctx, RENDERERS);

  it("present a client leaf rendered on the probed node (its key secret): Prometheus' and Kibana's own", () => {
    const seen = new Set<string>();
    for (const node of ctx.env.nodes) {
      const files = new Map((bundles.get(node.name) ?? []).map((a) => [a.path, a]));
      for (const [unit, probe] of healthProbes(ctx.env, node.name)) {
        if (!probe.client) continue;
        seen.add(unit);
        expect(files.get(probe.client.certFile)?.secret, `${node.name} ${unit} ${probe.client.certFile}`).toBe(false);
        expect(files.get(probe.client.keyFile)?.secret, `${node.name} ${unit} ${probe.client.keyFile}`).toBe(true);
        expect(probe.client.certFile).toMatch(/-client\/cert\.pem$/);
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining(['prometheus.service', 'kibana.service']));
    // Kibana's probe uses Kibana's client leaf, where kibana.yml's own client files are.
    for (const node of ctx.env.nodes.filter((n) => n.roles.includes('kibana')))
      expect(healthProbes(ctx.env, node.name).get('kibana.service')?.client?.certFile).toBe(
        nodePath(ctx.env, node, '/etc/chatops/tls/kibana-client/cert.pem'),
      );
  });
});
