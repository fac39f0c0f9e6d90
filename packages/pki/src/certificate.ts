import { type KeyObject, X509Certificate, createHash, createPrivateKey, createPublicKey, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  certificateSubject,
  explicit,
  nullValue,
  octetString,
  oid,
  publicKeyBits,
  sequence,
  set,
  smallInteger,
  time,
  tlv,
  unsignedInteger,
  utf8String,
} from './_der.js';
import type { PemKeyPair } from './key-pair.js';

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
  readonly issuer?: { readonly cert: string; readonly privateKey: string } | PreparedIssuer;
}

/** A positive serial number of 127 random bits, as hex (RFC 5280: positive, at most 20 octets). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  if (bytes[0] === 0) bytes[0] = 0x01;
  return bytes.toString('hex');
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
};

/** RFC 5280 upper bounds of a common name and an organization name (ub-common-name, ub-organization-name). */
const UB_NAME = 64;

function name(dn: DistinguishedName): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(rdn(OID.commonName, dn.commonName), ...(dn.organization ? [rdn(OID.organization, dn.organization)] : []));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits (what openssl and node-forge compute too). */
function keyIdentifier(spkiDer: Buffer): Buffer {
  return createHash('sha1').update(publicKeyBits(spkiDer)).digest();
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')));
}

/**
 * Builds and signs (SHA-256; ECDSA or RSA by the issuer's key) a certificate with the extensions a strict TLS
 * client expects. DER is assembled here and signed by Node's native crypto: node-forge, used before, has no ECDSA.
 */
export function createCertificate(spec: CertificateSpec): string {
  // Guards (the environment's load-time rules keep its values inside them): never sign what X.509 cannot carry.
  for (const [what, value] of [
    ['common name', spec.subject.commonName],
    ['organization', spec.subject.organization],
  ] as const) {
    if (value !== undefined && [...value].length > UB_NAME)
      throw new Error(`${what} ${JSON.stringify(value)} is longer than ${UB_NAME} characters`);
  }
  for (const dns of spec.dnsNames ?? [])
    if (!/^[\x21-\x7e]+$/.test(dns)) throw new Error(`DNS name ${JSON.stringify(dns)} is not printable ASCII`);
  const subjectKey = createPublicKey(spec.keyPair.publicKey);
  const spki = subjectKey.export({ type: 'spki', format: 'der' });
  const subject = name(spec.subject);
  const ownId = keyIdentifier(spki);
  const signing = spec.issuer && !('keyId' in spec.issuer) ? prepareIssuer(spec.issuer) : spec.issuer;
  const signer = signing?.key ?? createPrivateKey(spec.keyPair.privateKey);
  const ec = signer.asymmetricKeyType === 'ec';
  if (!ec && signer.asymmetricKeyType !== 'rsa') throw new Error(`unsupported issuer key type ${signer.asymmetricKeyType}`);
  const algorithm = ec ? sequence(oid(OID.ecdsaWithSha256)) : sequence(oid(OID.sha256WithRsa), nullValue());
  const issuer = signing?.subject ?? subject;
  const authorityId = signing?.keyId ?? ownId;
  const subjectIsEc = subjectKey.asymmetricKeyType === 'ec';

  const extensions: Buffer[] = [];
  if (spec.isCa) {
    extensions.push(extension(OID.basicConstraints, true, sequence(boolean(true), smallInteger(0))));
    // digitalSignature (bit 0), keyCertSign (5), cRLSign (6)
    extensions.push(extension(OID.keyUsage, true, bitString(Buffer.from([0x86]), 1)));
  } else {
    const usages = spec.usages ?? ['server'];
    extensions.push(extension(OID.basicConstraints, true, sequence()));
    // digitalSignature (bit 0), plus keyEncipherment (2) for RSA keys only: an EC key cannot encrypt.
    extensions.push(extension(OID.keyUsage, true, subjectIsEc ? bitString(Buffer.from([0x80]), 7) : bitString(Buffer.from([0xa0]), 5)));
    const ekus = [...(usages.includes('server') ? [OID.serverAuth] : []), ...(usages.includes('client') ? [OID.clientAuth] : [])];
    extensions.push(extension(OID.extKeyUsage, false, sequence(...ekus.map(oid))));
  }
  const altNames = [
    ...(spec.dnsNames ?? []).map((dns) => tlv(0x82, Buffer.from(dns, 'ascii'))),
    ...(spec.ipAddresses ?? []).map((ip) => tlv(0x87, ipBytes(ip))),
  ];
  if (altNames.length > 0) extensions.push(extension(OID.subjectAltName, false, sequence(...altNames)));
  extensions.push(extension(OID.subjectKeyIdentifier, false, octetString(ownId)));
  extensions.push(extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, authorityId))));

  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(Buffer.from(randomSerial(), 'hex')),
    algorithm,
    issuer,
    sequence(time(spec.notBefore), time(spec.notAfter)),
    subject,
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, ec ? { key: signer, dsaEncoding: 'der' } : signer);
  const der = sequence(tbs, algorithm, bitString(signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** An issuer's certificate and key parsed once, for the thousands of leaves one CA signs (see `prepareIssuer`). */
export interface PreparedIssuer {
  readonly key: KeyObject;
  readonly subject: Buffer;
  readonly keyId: Buffer;
}

/** Parses an issuer's PEM texts once: pass the result as `issuer` to every `createCertificate` it signs. */
export function prepareIssuer(issuer: { readonly cert: string; readonly privateKey: string }): PreparedIssuer {
  const cert = new X509Certificate(issuer.cert);
  return {
    key: createPrivateKey(issuer.privateKey),
    subject: certificateSubject(cert.raw),
    keyId: keyIdentifier(cert.publicKey.export({ type: 'spki', format: 'der' })),
  };
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
  /** `ecdsa-p256`, `rsa`, or the key type Node reports for anything else. */
  readonly keyAlgorithm: string;
  /** What the extended key usage allows the certificate to authenticate (empty for a CA, which has none). */
  readonly usages: ('server' | 'client')[];
}

export function inspectCertificate(pem: string): CertificateInfo {
  return inspectX509(new X509Certificate(pem));
}

/** `inspectCertificate` of an already parsed certificate (parse once, check several things). */
export function inspectX509(cert: X509Certificate): CertificateInfo {
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
    keyAlgorithm: keyAlgorithmOf(cert.publicKey),
    usages: [
      ...(cert.keyUsage?.includes(OID.serverAuth) ? (['server'] as const) : []),
      ...(cert.keyUsage?.includes(OID.clientAuth) ? (['client'] as const) : []),
    ],
  };
}

function keyAlgorithmOf(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'ec')
    return key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? 'ecdsa-p256' : `ec-${key.asymmetricKeyDetails?.namedCurve}`;
  return type;
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
