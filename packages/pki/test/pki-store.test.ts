import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateRequest } from '@chatops/environment';
import { PkiStore } from '@chatops/pki';
import { canonicalIp, inspectCertificate, keyMatchesCertificate } from '../src/certificate.js';
import { requireBinary, runOk, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const SETTINGS = {
  caCommonName: 'Test CA',
  organization: 'ChatOps',
  publicDomain: 'chatops.test',
  renewBeforeDays: 30,
  leafValidityDays: 90,
};
const NOW = new Date('2026-11-28T12:00:00Z');
const REQUESTS: CertificateRequest[] = [
  {
    id: 'lb-1/haproxy',
    commonName: 'lb-1.internal.chatops.test',
    dnsNames: ['lb-1.internal.chatops.test', 'lb-1', 'localhost'],
    ipAddresses: ['10.0.0.10', '127.0.0.1'],
  },
  {
    id: 'mon-1/prometheus',
    commonName: 'mon-1.internal.chatops.test',
    dnsNames: ['mon-1.internal.chatops.test', 'mon-1'],
    ipAddresses: ['10.0.0.41'],
    usages: ['server', 'client'],
  },
];

describe('PkiStore', () => {
  it('issues a CA and leaves that openssl verifies, with the right extensions, SANs and PKCS#8 keys', async () => {
    const openssl = requireBinary('openssl');
    using dir = tempDir();
    const store = new PkiStore(join(dir.path, 'pki'));
    const { material, issued } = await store.ensure(SETTINGS, REQUESTS, { now: NOW });
    expect(issued).toEqual(['ca', 'lb-1/haproxy', 'mon-1/prometheus', 'public']);

    const caFile = join(dir.path, 'ca.pem');
    writeFileSync(caFile, material.caCert);
    const caText = runOk(openssl, ['x509', '-in', caFile, '-noout', '-text']);
    expect(caText).toMatch(/CA:TRUE, pathlen:0/);
    expect(caText).toMatch(/Certificate Sign, CRL Sign/);

    for (const request of REQUESTS) {
      const leaf = material.leaf(request.id);
      const leafFile = join(dir.path, `${request.id.replace('/', '_')}.pem`);
      writeFileSync(leafFile, leaf.cert);
      expect(runOk(openssl, ['verify', '-CAfile', caFile, leafFile]).trim()).toBe(`${leafFile}: OK`);
      const text = runOk(openssl, ['x509', '-in', leafFile, '-noout', '-text']);
      expect(text).toMatch(/CA:FALSE/);
      expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
      expect(text).toMatch(/NIST CURVE: P-256/);
      expect(text).toMatch(/Digital Signature\n/); // no keyEncipherment: an EC key cannot encrypt
      expect(text).toMatch(/X509v3 Subject Key Identifier/);
      expect(text).toMatch(/X509v3 Authority Key Identifier/);
      expect(text).toMatch(
        request.usages?.includes('client')
          ? /TLS Web Server Authentication, TLS Web Client Authentication/
          : /TLS Web Server Authentication\n/,
      );
      for (const name of request.dnsNames) expect(text).toContain(`DNS:${name}`);
      for (const ip of request.ipAddresses) expect(text).toContain(`IP Address:${ip}`);
      expect(leaf.key.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true); // PKCS#8
      expect(keyMatchesCertificate(leaf.key, leaf.cert)).toBe(true);
      expect(leaf.chain).toBe(material.caCert);
      const serial = runOk(openssl, ['x509', '-in', leafFile, '-noout', '-serial']).trim().replace('serial=', '');
      expect(Number.parseInt(serial.slice(0, 2), 16)).toBeLessThan(0x80); // positive
    }
    const pub = inspectCertificate(material.publicCert.cert);
    expect(pub.dnsNames).toEqual(['chatops.test', '*.chatops.test']);
    expect(statSync(join(dir.path, 'pki')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir.path, 'pki', 'lb-1__haproxy.key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir.path, 'pki', 'ca.key.pem')).mode & 0o777).toBe(0o600);
  });

  it('reuses valid certificates and re-issues on SAN change, inside the renewal window, or when the CA changes', async () => {
    using dir = tempDir();
    const store = new PkiStore(dir.path);
    const first = await store.ensure(SETTINGS, REQUESTS, { now: NOW });
    const again = await store.ensure(SETTINGS, REQUESTS, { now: NOW });
    expect(again.issued).toEqual([]);
    expect(again.material.leaf('lb-1/haproxy').cert).toBe(first.material.leaf('lb-1/haproxy').cert);

    const changed = [{ ...REQUESTS[0]!, ipAddresses: ['10.0.0.11'] }, REQUESTS[1]!];
    const resan = await store.ensure(SETTINGS, changed, { now: NOW });
    expect(resan.issued).toEqual(['lb-1/haproxy']);
    expect(resan.reasons['lb-1/haproxy']).toBe('subject alternative names changed');

    // A leaf now also asked to authenticate as a client: its extended key usage must change, so it is re-issued
    // (also when the pair's verdict comes from checked.json).
    const withClient = [{ ...REQUESTS[0]!, ipAddresses: ['10.0.0.11'], usages: ['server', 'client'] as const }, REQUESTS[1]!];
    const reused = await store.ensure(SETTINGS, changed, { now: NOW });
    expect(reused.issued).toEqual([]);
    const reusage = await store.ensure(SETTINGS, withClient, { now: NOW });
    expect(reusage.issued).toEqual(['lb-1/haproxy']);
    expect(reusage.reasons['lb-1/haproxy']).toBe('key usages changed');
    expect(inspectCertificate(reusage.material.leaf('lb-1/haproxy').cert).usages).toEqual(['server', 'client']);
    expect((await store.ensure(SETTINGS, withClient, { now: NOW })).issued).toEqual([]);

    const late = new Date(NOW.getTime() + 70 * 86_400_000); // 20 days before the 90-day leaves expire
    const renewed = await store.ensure(SETTINGS, changed, { now: late });
    expect(renewed.issued).toEqual(['lb-1/haproxy', 'mon-1/prometheus', 'public']);
    expect(renewed.reasons['mon-1/prometheus']).toMatch(/inside the renewal window/);

    const caBefore = readFileSync(join(dir.path, 'ca.cert.pem'), 'utf8');
    writeFileSync(join(dir.path, 'ca.cert.pem'), 'garbage');
    const rotated = await store.ensure(SETTINGS, changed, { now: late });
    expect(rotated.issued).toEqual(['ca', 'lb-1/haproxy', 'mon-1/prometheus']);
    expect(rotated.material.caCert).not.toBe(caBefore);
  });

  it('says until when its decisions hold: nothing changes before reusableUntil, something does at it', async () => {
    using dir = tempDir();
    const store = new PkiStore(dir.path);
    const first = await store.ensure(SETTINGS, REQUESTS, { now: NOW });
    // Every leaf is new: 90 days of validity, renewed 30 days before the end, and backdated one hour.
    expect(first.reusableUntil.getTime()).toBe(NOW.getTime() + 60 * 86_400_000);
    const just = await store.ensure(SETTINGS, REQUESTS, { now: new Date(first.reusableUntil.getTime() - 1), persist: false });
    expect(just.issued).toEqual([]);
    expect(just.reusableUntil).toEqual(first.reusableUntil);
    const at = await store.ensure(SETTINGS, REQUESTS, { now: first.reusableUntil, persist: false });
    expect(at.issued).toEqual(['lb-1/haproxy', 'mon-1/prometheus', 'public']);

    // A CA with less life left than a new leaf needs is the limit: 100-day CA, 90-day leaves.
    using short = tempDir();
    const settings = { ...SETTINGS, caValidityDays: 100 };
    const shortStore = new PkiStore(short.path);
    const limited = await shortStore.ensure(settings, REQUESTS, { now: NOW });
    expect(limited.reusableUntil.getTime()).toBe(NOW.getTime() + 10 * 86_400_000);
    const before = await shortStore.ensure(settings, REQUESTS, { now: new Date(limited.reusableUntil.getTime() - 1), persist: false });
    expect(before.issued).toEqual([]);
    const after = await shortStore.ensure(settings, REQUESTS, { now: new Date(limited.reusableUntil.getTime() + 1), persist: false });
    expect(after.issued).toContain('ca');
  });

  it('records what it verified (checked.json) and verifies again only pairs whose bytes changed', async () => {
    using dir = tempDir();
    const store = new PkiStore(dir.path);
    await store.ensure(SETTINGS, REQUESTS, { now: NOW });
    const again = await store.ensure(SETTINGS, REQUESTS, { now: NOW });
    expect(again.issued).toEqual([]);
    const checkedFile = join(dir.path, 'checked.json');
    const checked = JSON.parse(readFileSync(checkedFile, 'utf8')) as Record<string, { notAfter: string }>;
    expect(Object.keys(checked)).toHaveLength(REQUESTS.length + 1);
    // Dates are still checked against a recorded pair: inside the renewal window it is re-issued.
    const late = await store.ensure(SETTINGS, REQUESTS, { now: new Date(NOW.getTime() + 70 * 86_400_000), persist: false });
    expect(late.reasons['lb-1/haproxy']).toMatch(/inside the renewal window/);
    // Another certificate's key put in place of lb-1's: the recorded verdict does not cover these bytes.
    writeFileSync(join(dir.path, 'lb-1__haproxy.key.pem'), readFileSync(join(dir.path, 'mon-1__prometheus.key.pem'), 'utf8'));
    const swapped = await store.ensure(SETTINGS, REQUESTS, { now: NOW });
    expect(swapped.issued).toEqual(['lb-1/haproxy']);
    expect(swapped.reasons['lb-1/haproxy']).toBe('key does not match certificate');
    // A record edited by hand into another shape is ignored (the pair is verified again), not a crash.
    const entries = Object.keys(JSON.parse(readFileSync(checkedFile, 'utf8')));
    writeFileSync(checkedFile, JSON.stringify(Object.fromEntries(entries.map((k) => [k, { dnsNames: 'x' }]))));
    expect((await store.ensure(SETTINGS, REQUESTS, { now: NOW })).issued).toEqual([]);
    expect(Object.keys(JSON.parse(readFileSync(checkedFile, 'utf8')))).toHaveLength(REQUESTS.length + 1);
  });

  it('renews the CA (and every leaf) when a new leaf would outlive it: no leaf is valid longer than its CA', async () => {
    using dir = tempDir();
    const store = new PkiStore(dir.path);
    const settings = { ...SETTINGS, caValidityDays: 100 };
    const first = await store.ensure(settings, REQUESTS, { now: NOW });
    const caEnd = inspectCertificate(first.material.caCert).notAfter;
    expect(inspectCertificate(first.material.leaf('lb-1/haproxy').cert).notAfter <= caEnd).toBe(true);
    expect((await store.ensure(settings, REQUESTS, { now: new Date(NOW.getTime() + 9 * 86_400_000) })).issued).toEqual([]);

    // 11 days later the CA has 89 days left, less than a 90-day leaf issued now would get.
    const later = await store.ensure(settings, REQUESTS, { now: new Date(NOW.getTime() + 11 * 86_400_000) });
    expect(later.issued).toEqual(['ca', 'lb-1/haproxy', 'mon-1/prometheus']);
    expect(later.reasons.ca).toMatch(/^expires .*, before a certificate issued now \(90 days\) would$/);
    const renewedEnd = inspectCertificate(later.material.caCert).notAfter;
    for (const id of ['lb-1/haproxy', 'mon-1/prometheus']) expect(later.material.leaf(id).notAfter <= renewedEnd).toBe(true);

    await expect(store.ensure({ ...SETTINGS, caValidityDays: 60 }, REQUESTS, { now: NOW })).rejects.toThrow(
      'leafValidityDays (90) is longer than caValidityDays (60): a certificate may not outlive its CA',
    );
  });

  it('issues RSA on request (openssl verifies, keyEncipherment), and changing the algorithm re-issues everything', async () => {
    const openssl = requireBinary('openssl');
    using dir = tempDir();
    const store = new PkiStore(join(dir.path, 'pki'));
    await store.ensure(SETTINGS, REQUESTS, { now: NOW });
    const progress: string[] = [];
    const rsa = await store.ensure({ ...SETTINGS, keyAlgorithm: 'rsa' }, REQUESTS, {
      now: NOW,
      onProgress: (d, t) => progress.push(`${d}/${t}`),
    });
    expect(rsa.issued).toEqual(['ca', 'lb-1/haproxy', 'mon-1/prometheus', 'public']);
    expect(rsa.reasons.ca).toBe('key algorithm changed (ecdsa-p256 -> rsa)');
    expect(progress.sort()).toEqual(['1/4', '2/4', '3/4', '4/4']);
    writeFileSync(join(dir.path, 'ca.pem'), rsa.material.caCert);
    writeFileSync(join(dir.path, 'leaf.pem'), rsa.material.leaf('mon-1/prometheus').cert);
    expect(runOk(openssl, ['verify', '-x509_strict', '-CAfile', join(dir.path, 'ca.pem'), join(dir.path, 'leaf.pem')])).toMatch(/: OK/);
    const text = runOk(openssl, ['x509', '-in', join(dir.path, 'leaf.pem'), '-noout', '-text']);
    expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).toMatch(/Public-Key: \(2048 bit\)/);
    expect(text).toMatch(/Digital Signature, Key Encipherment/);
    expect(inspectCertificate(rsa.material.caCert).keyAlgorithm).toBe('rsa');
    const same = await store.ensure({ ...SETTINGS, keyAlgorithm: 'rsa' }, REQUESTS, { now: NOW, onProgress: () => progress.push('again') });
    expect([same.issued, progress.length]).toEqual([[], 4]);
  });

  it('reuses a certificate whose IPv6 SAN is spelled differently by the X.509 reader', async () => {
    using dir = tempDir();
    const store = new PkiStore(dir.path);
    const v6: CertificateRequest[] = [{ id: 'v6/x', commonName: 'v6', dnsNames: ['v6'], ipAddresses: ['fd00::1', '::1'] }];
    await store.ensure(SETTINGS, v6, { now: NOW });
    expect((await store.ensure(SETTINGS, v6, { now: NOW })).issued).toEqual([]);
    expect(canonicalIp('FD00:0:0:0:0:0:0:1')).toBe(canonicalIp('fd00::1'));
    expect(canonicalIp('10.0.0.1')).toBe('10.0.0.1');
  });

  it('issues in memory without touching the directory when persist is false', async () => {
    using dir = tempDir();
    const store = new PkiStore(join(dir.path, 'state'));
    const result = await store.ensure(SETTINGS, REQUESTS, { now: NOW, persist: false });
    expect(result.issued).toHaveLength(4);
    expect(store.list()).toEqual([]);
  });

  it('lists certificates with their expiry, and refuses unknown or duplicate ids', async () => {
    using dir = tempDir();
    const store = new PkiStore(dir.path);
    const { material } = await store.ensure(SETTINGS, REQUESTS, { now: NOW });
    expect(store.list().map((c) => `${c.id} ${c.notAfter.toISOString().slice(0, 10)}`)).toEqual([
      'ca 2036-11-25',
      'lb-1/haproxy 2027-02-26',
      'mon-1/prometheus 2027-02-26',
      'public 2027-02-26',
    ]);
    expect(() => material.leaf('nope/x')).toThrowErrorMatchingInlineSnapshot(
      `[Error: no certificate was requested for nope/x: add it to the renderer's certificates()]`,
    );
    await expect(store.ensure(SETTINGS, [REQUESTS[0]!, REQUESTS[0]!], { now: NOW })).rejects.toThrow(/requested twice/);
  });
});
