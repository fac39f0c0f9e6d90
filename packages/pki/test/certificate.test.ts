import { X509Certificate } from 'node:crypto';
import { createCertificate } from '@chatops/pki';
import { generateKeyPairOf } from '../src/key-pair.js';
import { describe, expect, it } from 'vitest';

describe('createCertificate', () => {
  it('writes names as given, and refuses (throws) what X.509 cannot carry rather than signing it', async () => {
    const keyPair = await generateKeyPairOf('ecdsa-p256');
    const spec = { keyPair, notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000), isCa: true };
    const odd = 'CA, O=x + "quoted" \\ é';
    expect(new X509Certificate(createCertificate({ ...spec, subject: { commonName: odd } })).subject).toContain('CA');
    expect(() => createCertificate({ ...spec, subject: { commonName: 'x'.repeat(65) } })).toThrow(/longer than 64 characters/);
    expect(() => createCertificate({ ...spec, subject: { commonName: 'ca', organization: 'é'.repeat(65) } })).toThrow(/organization/);
    expect(() => createCertificate({ ...spec, isCa: false, subject: { commonName: 'n' }, dnsNames: ['é.example'] })).toThrow(
      /not printable ASCII/,
    );
  });
});
