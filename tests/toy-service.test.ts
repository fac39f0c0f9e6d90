import { join } from 'node:path';
import { listenersOn, nodeWithRole, nodesWithRole, probeTargets, unitsOn } from '@chatops/environment';
import { desiredState, healthProbes, nodeRequirements } from '@chatops/deploy';
import { buildEdgeConfig } from '@chatops/haproxy-config';
import { stackFacts } from '@chatops/report';
import { RENDERERS, certificateRequests, prepareRender, renderStack } from '@chatops/stack';
import { REPO, tempDir } from '@chatops/testing';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { TOY_PORT, toyRenderer } from './toy-service/toy.js';

// CONTRIBUTING's "Adding a service": one package-like module (./toy-service/toy.ts) and one registry line.
const services = [...RENDERERS, toyRenderer];

describe('a service added as one module and one registry line', () => {
  it('is listened, routed, scraped, probed, ordered, deployed and checked, its logs shipped and parsed, in the report', async () => {
    using pki = tempDir('toy-pki-');
    const ctx = await prepareRender(join(REPO, 'examples/cloud-chatops/environments/prod.yaml'), {
      cwd: REPO,
      pkiDir: pki.path,
      persistPki: false,
      services,
    });
    // Every cross-check of the stack runs (a real PKI: the edge's upstream certificates are checked too).
    const result = renderStack(ctx, { services });
    const env = ctx.env;
    const apps = nodesWithRole(env, 'chatops');
    const app = apps[0]!;

    // Placed and listened (the port-clash check sees it), its unit watched.
    for (const node of apps) expect(result.services.get(node.name)).toContain('toy');
    expect(listenersOn(env, app)).toContainEqual({ service: 'toy', port: TOY_PORT, label: 'toy', tls: 'internal' });
    expect(unitsOn(env, app)).toContain('toy.service');
    expect(result.bundles.get(app.name)?.map((a) => a.path)).toContain('/etc/toy/toy.conf');

    // Routed by HAProxy: a backend re-encrypting to each app node, behind basic auth, on toy.<domain>.
    const lb = nodeWithRole(env, 'loadbalancer');
    const edge = buildEdgeConfig(env, lb);
    const backend = edge.backends?.find((b) => b.name === 'toy');
    expect(backend?.servers?.map((s) => `${s.name} ${s.address}:${s.port}`)).toEqual(apps.map((n) => `${n.name} ${n.address}:${TOY_PORT}`));
    const haproxyCfg = result.bundles.get(lb.name)?.find((a) => a.path === '/etc/haproxy/haproxy.cfg')?.content ?? '';
    expect(haproxyCfg).toMatch(/^backend toy$/m);
    expect(haproxyCfg).toContain(`toy.${env.domain}`);
    expect(probeTargets(env).map((t) => t.serverName)).toContain(`toy.${env.domain}`);

    // Scraped by Prometheus: a `toy` job with each app node's address.
    const prometheus = nodeWithRole(env, 'prometheus');
    const yml = result.bundles.get(prometheus.name)?.find((a) => a.path === '/etc/prometheus/prometheus.yml')?.content ?? '';
    const jobs = (load(yml) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }).scrape_configs;
    // One scrape config per endpoint (`<job>/<node>`, each with its own TLS server name), labelled job="toy".
    const toyTargets = jobs.filter((j) => j.job_name.startsWith('toy/')).flatMap((j) => j.static_configs.flatMap((c) => c.targets));
    expect(toyTargets).toEqual(apps.map((n) => `${n.address}:${TOY_PORT}`));

    // Ordered: after the app it declares, before the edge that routes to it.
    const at = (service: string) => result.order.findIndex((o) => o.service === service);
    expect(at('toy')).toBeGreaterThan(at('chatops'));
    expect(at('toy')).toBeLessThan(at('haproxy'));

    // In deploy's steps: a `toy` phase on each app node with its files, in the manifest's order.
    const desired = desiredState(ctx, result);
    const toySteps = desired.steps.filter((s) => s.phase === 'toy');
    expect(toySteps.map((s) => s.node)).toEqual(apps.map((n) => n.name));
    expect(toySteps[0]?.files.map((f) => f.artifact.path)).toContain('/etc/toy/toy.conf');

    // Checked by deploy from its facts: its health endpoint after a restart, its binary in preflight.
    expect(healthProbes(env, app.name).get('toy.service')).toMatchObject({
      address: app.address,
      port: TOY_PORT,
      path: '/healthz',
      ok: [200],
    });
    expect(healthProbes(env, lb.name).has('toy.service')).toBe(false);
    expect(nodeRequirements(env, app).binaries).toContain('toyd');
    expect(nodeRequirements(env, lb).binaries).not.toContain('toyd');

    // Its logs shipped by Filebeat from the journal on each app node, parsed by Logstash.
    const inputs = result.bundles.get(app.name)?.find((a) => a.path === '/etc/filebeat/inputs.d/toy.yml')?.content ?? '';
    expect(load(inputs)).toEqual([
      expect.objectContaining({ type: 'journald', id: 'toy-journald', include_matches: { match: ['_SYSTEMD_UNIT=toy.service'] } }),
    ]);
    const logstash = nodeWithRole(env, 'logstash');
    const pipeline = result.bundles.get(logstash.name)?.find((a) => a.path === '/etc/logstash/conf.d/chatops.conf')?.content ?? '';
    expect(pipeline).toMatch(/else if \[service\]\[name\] == "toy" \{\s*grok \{\s*id => "toy-grok"/);
    expect(pipeline).toContain('id => "toy-date"');

    // In the report's facts: its route's service and auth.
    const facts = stackFacts(ctx, certificateRequests(ctx.env, services));
    expect(facts.routes.find((r) => r.backend === 'toy')).toMatchObject({ host: `toy.${env.domain}`, auth: true });
    expect(facts.flows.some((f) => f.to.kind === 'service' && f.to.service === 'toy' && f.carries === 'traffic')).toBe(true);
  });

  it('refuses a port the toy shares with another service of the node, at load', async () => {
    const clashing = { ...toyRenderer, listeners: () => [{ port: 9100 }] };
    await expect(
      prepareRender(join(REPO, 'examples/cloud-chatops/environments/prod.yaml'), {
        cwd: REPO,
        persistPki: false,
        services: [...RENDERERS, clashing],
      }),
    ).rejects.toThrow(/port 9100 is used by both node-exporter and toy on node chatops-1/);
  });
});
