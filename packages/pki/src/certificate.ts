import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { PemKeyPair } from './key-pair.js';

const { pki, md } = forge;

export interface DistinguishedName {
  readonly commonName: string;
  /** @default undefined */
  readonly organization?: string;
}

export interface CertificateSpec {
  readonly subject: DistinguishedName;
  readonly keyPair: PemKeyPair;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** True for a CA certificate (basicConstraints cA, keyCertSign). */
  readonly isCa: boolean;
  /** @default [] */
  readonly dnsNames?: readonly string[];
  /** @default [] */
  readonly ipAddresses?: readonly string[];
  /** @default ['server'] for leaves */
  readonly usages?: readonly ('server' | 'client')[];
  /** Issuer; omitted for a self-signed certificate. */
  readonly issuer?: { readonly cert: string; readonly privateKey: string };
}

/** A positive serial number of 127 random bits, as hex (RFC 5280: positive, at most 20 octets). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  if (bytes[0] === 0) bytes[0] = 0x01;
  return bytes.toString('hex');
}

/** Builds and signs (sha256) a certificate with the extensions a strict TLS client expects. */
export function createCertificate(spec: CertificateSpec): string {
  const cert = pki.createCertificate();
  const publicKey = pki.publicKeyFromPem(spec.keyPair.publicKey);
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  const subject = [{ name: 'commonName', value: spec.subject.commonName }];
  if (spec.subject.organization) subject.push({ name: 'organizationName', value: spec.subject.organization });
  cert.setSubject(subject);

  const issuerCert = spec.issuer ? pki.certificateFromPem(spec.issuer.cert) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);

  const extensions: Record<string, unknown>[] = [];
  if (spec.isCa) {
    extensions.push({ name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true });
    extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true });
  } else {
    const usages = spec.usages ?? ['server'];
    extensions.push({ name: 'basicConstraints', cA: false, critical: true });
    extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
    extensions.push({ name: 'extKeyUsage', serverAuth: usages.includes('server'), clientAuth: usages.includes('client') });
  }
  const altNames = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(spec.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  extensions.push({ name: 'subjectKeyIdentifier' });
  if (issuerCert || spec.isCa) {
    const authority = issuerCert ?? cert;
    const keyIdentifier = (authority.generateSubjectKeyIdentifier() as forge.util.ByteStringBuffer).getBytes();
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier });
  }
  cert.setExtensions(extensions);
  const signer = pki.privateKeyFromPem(spec.issuer?.privateKey ?? spec.keyPair.privateKey);
  cert.sign(signer, md.sha256.create());
  return pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

/** The facts about a certificate the store needs to decide whether to reuse it. */
export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly dnsNames: string[];
  readonly ipAddresses: string[];
  readonly isCa: boolean;
}

// Reading and verifying stored certificates uses Node's native X.509 (fast: a render re-checks every certificate);
// node-forge is only used to build and sign new ones.

export function inspectCertificate(pem: string): CertificateInfo {
  const cert = new X509Certificate(pem);
  const names = (cert.subjectAltName ?? '').split(', ').filter((n) => n !== '');
  return {
    subject: commonName(cert.subject),
    issuer: commonName(cert.issuer),
    serial: cert.serialNumber.toLowerCase(),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    dnsNames: names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
    ipAddresses: names.filter((n) => n.startsWith('IP Address:')).map((n) => canonicalIp(n.slice(11))),
    isCa: cert.ca,
  };
}

function commonName(dn: string): string {
  return /^CN=(.*)$/m.exec(dn)?.[1] ?? '';
}

/** One spelling per address (`FD00:0:0:0:0:0:0:1` and `fd00::1` are the same), so SAN comparisons are exact. */
export function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
}

/** True when `certPem` carries a valid signature by `caPem`'s key. */
export function isSignedBy(certPem: string, caPem: string): boolean {
  try {
    return new X509Certificate(certPem).verify(new X509Certificate(caPem).publicKey);
  } catch {
    return false;
  }
}

/** True when the private key belongs to the certificate. */
export function keyMatchesCertificate(privateKeyPem: string, certPem: string): boolean {
  return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(privateKeyPem));
}
