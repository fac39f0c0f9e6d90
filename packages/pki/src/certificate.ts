import { randomBytes } from 'node:crypto';
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

export function inspectCertificate(pem: string): CertificateInfo {
  const cert = pki.certificateFromPem(pem);
  const san = cert.getExtension('subjectAltName') as { altNames?: { type: number; value?: string; ip?: string }[] } | null;
  const bc = cert.getExtension('basicConstraints') as { cA?: boolean } | null;
  const cn = (attrs: forge.pki.CertificateField[]) => attrs.find((a) => a.name === 'commonName')?.value ?? '';
  return {
    subject: String(cn(cert.subject.attributes)),
    issuer: String(cn(cert.issuer.attributes)),
    serial: cert.serialNumber,
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    dnsNames: (san?.altNames ?? []).filter((n) => n.type === 2).map((n) => n.value ?? ''),
    ipAddresses: (san?.altNames ?? []).filter((n) => n.type === 7).map((n) => n.ip ?? ''),
    isCa: bc?.cA === true,
  };
}

/** True when `certPem` carries a valid signature by `caPem`'s key. */
export function isSignedBy(certPem: string, caPem: string): boolean {
  try {
    return pki.certificateFromPem(caPem).verify(pki.certificateFromPem(certPem));
  } catch {
    return false;
  }
}

/** True when the private key belongs to the certificate. */
export function keyMatchesCertificate(privateKeyPem: string, certPem: string): boolean {
  const key = pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
  const pub = pki.certificateFromPem(certPem).publicKey as forge.pki.rsa.PublicKey;
  return key.n.equals(pub.n) && key.e.equals(pub.e);
}
