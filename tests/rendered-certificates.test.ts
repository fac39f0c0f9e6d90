import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { prepareRender, renderStack } from '@chatops/stack';
import { requireBinary, runOk, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const EXAMPLE = join(__dirname, '../examples/cloud-chatops');

describe('certificates in the rendered prod trees', () => {
  it('every leaf verifies against the CA bundle its node trusts, names its node, and every key matches', async () => {
    const openssl = requireBinary('openssl');
    using dir = tempDir();
    const ctx = await prepareRender(join(EXAMPLE, 'environments/prod.yaml'), { pkiDir: join(dir.path, 'pki') });
    const { bundles } = renderStack(ctx);
    let leaves = 0;
    for (const [nodeName, artifacts] of bundles) {
      const node = ctx.env.nodes.find((n) => n.name === nodeName)!;
      const byPath = new Map(artifacts.map((a) => [a.path, a]));
      const ca = byPath.get('/etc/chatops/tls/ca.pem');
      expect(ca?.content, `${nodeName} trusts our CA`).toBe(ctx.pki.caCert);
      const caFile = join(dir.path, `${nodeName}-ca.pem`);
      writeFileSync(caFile, ca!.content);
      for (const a of artifacts.filter((x) => /\/tls\/[^/]+\/cert\.pem$/.test(x.path))) {
        const file = join(dir.path, `${nodeName}-${leaves++}.pem`);
        writeFileSync(file, a.content);
        expect(runOk(openssl, ['verify', '-CAfile', caFile, file]).trim()).toBe(`${file}: OK`);
        const cert = new X509Certificate(a.content);
        expect(cert.subjectAltName, a.path).toContain(`DNS:${node.name}.${ctx.env.internalDomain}`);
        expect(cert.subjectAltName, a.path).toContain(`IP Address:${node.address}`);
        const key = byPath.get(a.path.replace(/cert\.pem$/, 'key.pem'));
        expect(key?.mode, `${a.path} key`).toBe('0600');
        expect(key?.content.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
        const keyFile = join(dir.path, 'key.pem');
        writeFileSync(keyFile, key!.content);
        expect(runOk(openssl, ['pkey', '-in', keyFile, '-pubout'])).toBe(runOk(openssl, ['x509', '-in', file, '-noout', '-pubkey']));
      }
    }
    expect(leaves).toBeGreaterThanOrEqual(ctx.env.nodes.length * 2);

    // HAProxy's bundles: certificate, then its key, then the chain; the key belongs to the certificate.
    const lb = bundles.get('lb-1')!;
    for (const path of ['/etc/haproxy/certs/internal.pem', `/etc/haproxy/certs/${ctx.env.domain}.pem`]) {
      const bundle = lb.find((a) => a.path === path)!;
      expect(bundle.mode).toBe('0600');
      const file = join(dir.path, 'bundle.pem');
      writeFileSync(file, bundle.content);
      expect(bundle.content.indexOf('BEGIN CERTIFICATE')).toBeLessThan(bundle.content.indexOf('BEGIN PRIVATE KEY'));
      expect(runOk(openssl, ['pkey', '-in', file, '-pubout'])).toBe(runOk(openssl, ['x509', '-in', file, '-noout', '-pubkey']));
    }
    const publicCert = new X509Certificate(lb.find((a) => a.path === `/etc/haproxy/certs/${ctx.env.domain}.pem`)!.content);
    expect(publicCert.subjectAltName).toBe(`DNS:${ctx.env.domain}, DNS:*.${ctx.env.domain}`);
  });
});
