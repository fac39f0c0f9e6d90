import { join } from 'node:path';
import { findNode } from '@chatops/environment';
import { buildEdgeConfig, haproxyRenderer, haproxyUpstreamCertificates, printHaproxyConfig } from '@chatops/haproxy-config';
import { upstreamCertificatesCheck } from '../src/upstream-certificates-check.js';
import { prepareRender, renderStack, writeArtifacts } from '@chatops/stack';
import { requireBinary, run, tempDir } from '@chatops/testing';
import { afterAll, describe, expect, it } from 'vitest';

const ENVIRONMENTS = ['prod', 'dev'] as const;
const file = (env: string) => join(import.meta.dirname, '../../../examples/cloud-chatops/environments', `${env}.yaml`);

// One PKI state per environment, shared by both renders (certificates are reused, not re-issued).
const scratch = tempDir();
afterAll(() => scratch[Symbol.dispose]());

describe.each(ENVIRONMENTS)('%s edge', (name) => {
  const pkiDir = join(scratch.path, name, 'pki');

  it('renders the golden haproxy.cfg, certificate bundles and CA', async () => {
    const ctx = await prepareRender(file(name), { pkiDir });
    const lb = findNode(ctx.env, 'lb-1');
    const out = haproxyRenderer.render(lb, ctx);
    const byPath = new Map(out.artifacts.map((a) => [a.path, a]));
    const cfg = byPath.get('/etc/haproxy/haproxy.cfg');
    await expect(cfg?.content).toMatchFileSnapshot(`./__snapshots__/${name}.haproxy.cfg`);
    expect(cfg).toMatchObject({ mode: '0640', owner: 'root', group: 'haproxy', secret: false });
    const pub = byPath.get(`/etc/haproxy/certs/${ctx.env.domain}.pem`);
    expect(pub).toMatchObject({ mode: '0600', owner: 'haproxy', secret: true });
    expect(pub?.content).toBe(ctx.pki.publicCert.cert + ctx.pki.publicCert.key + ctx.pki.publicCert.chain);
    expect(byPath.get('/etc/haproxy/certs/internal.pem')).toMatchObject({ mode: '0600', owner: 'haproxy', secret: true });
    expect(byPath.get('/etc/chatops/tls/ca.pem')?.content).toBe(ctx.pki.caCert);
    expect(out.checks).toEqual([{ name: 'haproxy -c', command: 'haproxy', args: ['-c', '-dW', '-f', '/etc/haproxy/haproxy.cfg'] }]);
  });

  it('is accepted by haproxy -c (zero warnings) with the real certificate files at the paths it names', async () => {
    const haproxy = requireBinary('haproxy');
    using dir = tempDir();
    const ctx = await prepareRender(file(name), { pkiDir, pathPrefix: join(dir.path, '{node}') });
    expect(ctx.issued).toEqual([]);
    const stack = renderStack(ctx);
    const lb = stack.bundles.get('lb-1') ?? [];
    expect(lb.map((a) => a.path)).toContain(join(dir.path, 'lb-1/etc/haproxy/haproxy.cfg'));
    writeArtifacts(lb);
    const checks = stack.checks.filter((c) => c.node === 'lb-1' && c.command === 'haproxy');
    expect(checks).toHaveLength(1);
    for (const check of checks) {
      const r = run(haproxy, check.args);
      expect(r.stdout + r.stderr).toContain('Configuration file is valid');
      expect(r.status).toBe(0);
    }
  });
});

describe('upstream certificates check', () => {
  it('passes on the example stacks and names what is missing otherwise', async () => {
    const ctx = await prepareRender(file('dev'), { pkiDir: join(scratch.path, 'dev', 'pki') });
    const { bundles } = renderStack(ctx);
    expect(haproxyUpstreamCertificates.check(ctx, bundles)).toEqual([]);
    const leaf = (id: string) => {
      if (id === 'elastic-1/kibana') throw new Error('not requested');
      return ctx.pki.leaf(id);
    };
    const withoutKibana = { ...ctx, pki: { caCert: ctx.pki.caCert, publicCert: ctx.pki.publicCert, leaf } };
    const chatopsLess = new Map(bundles);
    chatopsLess.set('chatops-1', []);
    const messages = haproxyUpstreamCertificates.check(withoutKibana, chatopsLess).map((d) => d.message);
    expect(messages).toMatchInlineSnapshot(`
      [
        "HAProxy backend kibana server elastic-1 (elastic-1:5601): no certificate elastic-1/kibana is requested, so HAProxy cannot verify it (the kibana renderer must request serviceCertificate(env, node, 'kibana'))",
        "HAProxy backend chatops server chatops-1-1 (chatops-1:3000): chatops-1 does not deploy /etc/chatops/tls/chatops/cert.pem (certificate chatops-1/chatops), so the service cannot present it",
      ]
    `);
  });

  it('compares the deployed file with the leaf, not text found anywhere in the bundle', async () => {
    const ctx = await prepareRender(file('dev'), { pkiDir: join(scratch.path, 'dev', 'pki') });
    const { bundles } = renderStack(ctx);
    const certFile = '/etc/chatops/tls/grafana/cert.pem';
    const node = [...bundles].find(([, artifacts]) => artifacts.some((a) => a.path === certFile))?.[0] ?? '';
    // Another leaf of the same CA at the Grafana certificate's path; the right leaf still in the bundle elsewhere.
    const other = ctx.pki.leaf(`${node}/node-exporter`).cert;
    const swapped = (bundles.get(node) ?? []).flatMap((a) =>
      a.path === certFile
        ? [
            { ...a, content: other },
            { ...a, path: '/root/grafana-cert.pem' },
          ]
        : [a],
    );
    const faulty = new Map(bundles).set(node, swapped);
    expect(haproxyUpstreamCertificates.check(ctx, faulty).map((d) => d.message)).toEqual([
      `HAProxy backend grafana server ${node} (${node}:${ctx.env.ports.grafana}): ${node}'s ${certFile} is not certificate ${node}/grafana, so the service presents another one`,
    ]);
  });

  it('fails when the edge has no upstream to check', async () => {
    const ctx = await prepareRender(file('dev'), { pkiDir: join(scratch.path, 'dev', 'pki') });
    const { bundles } = renderStack(ctx);
    expect(upstreamCertificatesCheck({ upstreams: () => [] }).check(ctx, bundles)).toEqual([
      { path: ['nodes', 0], message: 'the edge has no upstream server: no HAProxy TLS hop to check' },
    ]);
  });
});

describe('HSTS', () => {
  it('adds includeSubDomains only when tls.hsts.includeSubDomains is set', async () => {
    const ctx = await prepareRender(file('prod'), { pkiDir: join(scratch.path, 'prod', 'pki') });
    const lb = findNode(ctx.env, 'lb-1');
    const header = (includeSubDomains: boolean) =>
      printHaproxyConfig(buildEdgeConfig({ ...ctx.env, tls: { ...ctx.env.tls, hsts: { includeSubDomains } } }, lb))
        .split('\n')
        .find((l) => l.includes('Strict-Transport-Security'))
        ?.trim();
    expect(header(false)).toBe('http-after-response set-header Strict-Transport-Security max-age=63072000');
    expect(header(true)).toBe("http-after-response set-header Strict-Transport-Security 'max-age=63072000; includeSubDomains'");
  });
});
