/**
 * The little DER (ASN.1 distinguished encoding) an X.509 certificate needs: writers for the types we emit and a
 * reader that walks a certificate far enough to take its subject and public key. Node's crypto signs and parses
 * certificates natively but has no API to build one, and node-forge cannot do ECDSA.
 */

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV with the given tag byte. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

export const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
export const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
export const octetString = (content: Buffer): Buffer => tlv(0x04, content);
export const utf8String = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
export const boolean = (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);
/** Context-specific constructed tag `[n] EXPLICIT`. */
export const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 | n, content);

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  return tlv(0x02, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export const smallInteger = (n: number): Buffer => unsignedInteger(Buffer.from([n]));

/** BIT STRING of whole bytes (`unused` trailing bits in the last byte). */
export const bitString = (content: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), content]));

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = parts;
  const bytes: number[] = [a * 40 + b];
  for (const p of rest) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5), to the second. */
export function time(d: Date): Buffer {
  const iso = d.toISOString(); // 2026-12-02T17:47:27.123Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, ''); // 20261202174727
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii')) : tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

/** One element read back: its tag, where its content starts and where it ends. */
export interface Element {
  readonly tag: number;
  readonly start: number;
  readonly content: number;
  readonly end: number;
}

export function readElement(der: Buffer, at: number): Element {
  const tag = der[at] as number;
  let len = der[at + 1] as number;
  let content = at + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + (der[content + i] as number);
    content += count;
  }
  return { tag, start: at, content, end: content + len };
}

/** The children of a constructed element. */
export function children(der: Buffer, parent: Element): Element[] {
  const out: Element[] = [];
  for (let at = parent.content; at < parent.end; ) {
    const e = readElement(der, at);
    out.push(e);
    at = e.end;
  }
  return out;
}

/** The subject Name of a DER certificate, byte for byte (a leaf's issuer must equal it exactly). */
export function certificateSubject(der: Buffer): Buffer {
  const [tbs] = children(der, readElement(der, 0));
  if (!tbs) throw new Error('not a certificate');
  const fields = children(der, tbs);
  // [0] version, serial, signature algorithm, issuer, validity, subject
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[offset + 4];
  if (!subject) throw new Error('certificate without a subject');
  return der.subarray(subject.start, subject.end);
}

/** The subjectPublicKey bits of a SubjectPublicKeyInfo (what a key identifier hashes, RFC 5280 4.2.1.2). */
export function publicKeyBits(spki: Buffer): Buffer {
  const [, bits] = children(spki, readElement(spki, 0));
  if (bits?.tag !== 0x03) throw new Error('not a SubjectPublicKeyInfo');
  return spki.subarray(bits.content + 1, bits.end);
}
