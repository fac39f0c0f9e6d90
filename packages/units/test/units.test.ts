import { describe, expect, it } from 'vitest';
import { servicesOn } from '@chatops/environment';
import { UNITS_RENDERERS } from '@chatops/units';
import { describeArtifacts, exampleContext, renderAll } from '@chatops/testing';

const TLS = /\/etc\/chatops\/tls\//;

describe.each(['prod', 'dev'] as const)('%s units', (name) => {
  it('renders every node golden', async () => {
    const ctx = exampleContext(name);
    const bundles = renderAll(ctx, UNITS_RENDERERS);
    for (const node of ctx.env.nodes) {
      await expect(describeArtifacts(bundles.get(node.name) ?? [], { skipContentOf: TLS })).toMatchFileSnapshot(
        `./__snapshots__/${name}/${node.name}.txt`,
      );
    }
  });

  it('places each unit only on the nodes that run its service', () => {
    const ctx = exampleContext(name);
    const bundles = renderAll(ctx, UNITS_RENDERERS);
    for (const node of ctx.env.nodes) {
      const paths = (bundles.get(node.name) ?? []).map((a) => a.path);
      const services = servicesOn(ctx.env, node);
      expect(paths.includes('/etc/systemd/system/prometheus-node-exporter.service.d/chatops.conf')).toBe(true);
      expect(paths.includes('/etc/systemd/system/systemd-exporter.service')).toBe(true);
      expect(paths.includes('/etc/systemd/system/cadvisor.service')).toBe(services.includes('cadvisor'));
      expect(paths.includes('/etc/systemd/system/chatops@.service')).toBe(services.includes('chatops'));
      expect(paths.includes('/etc/systemd/system/certbot.service.d/chatops.conf')).toBe(services.includes('certbot'));
      // Debian's certbot.timer schedules renewal: a timer of ours would renew twice.
      expect(paths.filter((p) => p.endsWith('.timer'))).toEqual([]);
    }
  });
});
