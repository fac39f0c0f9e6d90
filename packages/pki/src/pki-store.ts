import { type KeyObject, X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@chatops/core';
import type { CertificateRequest, IssuedCertificate, PkiMaterial } from '@chatops/environment';
import {
  type CertificateInfo,
  type PreparedIssuer,
  canonicalIp,
  createCertificate,
  inspectCertificate,
  inspectX509,
  prepareIssuer,
} from './certificate.js';
import { generateKeyPairOf } from './key-pair.js';
import { DAY_MS, type PkiSettings } from './pki-settings.js';

/** A certificate with its key, as stored. */
interface StoredPair {
  readonly cert: string;
  readonly key: string;
}

export interface EnsureOptions {
  readonly now?: Date;
  /**
   * Write new or renewed material to the state directory as it is issued. `false` issues in memory only; the
   * result's `persist()` writes it later (after the render that uses it has succeeded). @default true
   */
  readonly persist?: boolean;
  /**
   * Called after each certificate issued, with how many of how many are done (the library prints nothing; the
   * CLI shows this on a terminal). Not called when everything is reused. @default undefined
   */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface EnsureResult {
  readonly material: PkiMaterial;
  /** Ids issued (or re-issued) by this call; empty when every certificate was reused. */
  readonly issued: readonly string[];
  /** Why each issued certificate was (re-)issued, by id. */
  readonly reasons: Readonly<Record<string, string>>;
  /** Writes what this call issued in memory (`persist: false`) to the state directory; a no-op otherwise. */
  persist(): void;
  /**
   * The first instant at which the clock alone would change a decision of this call (a certificate entering its
   * renewal window, the CA too close to its end for a new leaf): until then, the same state directory and requests
   * give the same certificates.
   */
  readonly reusableUntil: Date;
}

/** One row of `render certs`: every certificate in a state directory. */
export interface CertificateListing extends CertificateInfo {
  readonly id: string;
}

const CA_ID = 'ca';
const PUBLIC_ID = 'public';

/**
 * What earlier runs verified (the key matches the certificate, the CA signed it) and read from each stored pair,
 * keyed by the SHA-256 of the CA certificate, certificate and key: a pair whose bytes are unchanged is not parsed
 * or verified again. Its dates, names and key algorithm are still checked on every run.
 */
const CHECKED_FILE = 'checked.json';
type CheckedRecord = Record<string, Omit<CertificateInfo, 'notBefore' | 'notAfter'> & { notBefore: string; notAfter: string }>;

function pairDigest(pair: StoredPair, caCert: string | undefined): string {
  return createHash('sha256')
    .update(`${caCert ?? ''}\0${pair.cert}\0${pair.key}`)
    .digest('hex');
}

function fileBase(id: string): string {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(id)) throw new Error(`invalid certificate id ${id}`);
  return id.replace('/', '__');
}

/**
 * PKI state of one environment, persisted in a directory (git-ignored, keys 0600). Certificates are reused while
 * they are valid, signed by the current CA, outside their renewal window, and carry exactly the requested names.
 */
export class PkiStore {
  constructor(readonly dir: string) {}

  private read(id: string): StoredPair | undefined {
    const base = join(this.dir, fileBase(id));
    if (!existsSync(`${base}.cert.pem`) || !existsSync(`${base}.key.pem`)) return undefined;
    return { cert: readFileSync(`${base}.cert.pem`, 'utf8'), key: readFileSync(`${base}.key.pem`, 'utf8') };
  }

  private write(id: string, pair: StoredPair): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const base = join(this.dir, fileBase(id));
    writeFileAtomic(`${base}.key.pem`, pair.key, 0o600);
    writeFileAtomic(`${base}.cert.pem`, pair.cert, 0o644);
  }

  private readChecked(): Map<string, CertificateInfo> {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(join(this.dir, CHECKED_FILE), 'utf8'));
    } catch {
      // Missing or unreadable: every pair is verified again (and the record rewritten).
      return new Map();
    }
    const known = new Map<string, CertificateInfo>();
    if (!data || typeof data !== 'object') return known;
    // An entry of the wrong shape (edited by hand) is ignored: its pair is verified again.
    for (const [k, v] of Object.entries(data as CheckedRecord)) {
      const info = checkedInfo(v);
      if (info) known.set(k, info);
    }
    return known;
  }

  private writeChecked(checked: ReadonlyMap<string, CertificateInfo>): void {
    const data: CheckedRecord = {};
    for (const [k, v] of [...checked].sort(([a], [b]) => (a < b ? -1 : 1)))
      data[k] = { ...v, notBefore: v.notBefore.toISOString(), notAfter: v.notAfter.toISOString() };
    const text = `${JSON.stringify(data)}\n`;
    const file = join(this.dir, CHECKED_FILE);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(file, text, 0o644);
  }

  /** Makes sure the CA, the public certificate and every requested leaf exist and are current. */
  async ensure(settings: PkiSettings, requests: readonly CertificateRequest[], options: EnsureOptions = {}): Promise<EnsureResult> {
    const now = options.now ?? new Date();
    const persist = options.persist ?? true;
    const renewMs = (settings.renewBeforeDays ?? 30) * DAY_MS;
    const keyBits = settings.keyBits ?? 2048;
    const algorithm = settings.keyAlgorithm ?? 'ecdsa-p256';
    const newKeyPair = () => generateKeyPairOf(algorithm, keyBits);
    const reasons: Record<string, string> = {};
    const pending = new Map<string, StoredPair>();
    const save = (id: string, pair: StoredPair) => {
      if (persist) this.write(id, pair);
      else pending.set(id, pair);
    };

    const ids = new Set<string>();
    for (const r of requests) {
      if (ids.has(r.id)) throw new Error(`certificate ${r.id} requested twice`);
      if (r.id === CA_ID || r.id === PUBLIC_ID) throw new Error(`certificate id ${r.id} is reserved`);
      ids.add(r.id);
    }

    const leafDays = settings.leafValidityDays ?? 397;
    const caDays = settings.caValidityDays ?? 3650;
    if (leafDays > caDays)
      throw new Error(`leafValidityDays (${leafDays}) is longer than caValidityDays (${caDays}): a certificate may not outlive its CA`);
    let ca = this.read(CA_ID);
    // A leaf never outlives its CA: a CA with less validity left than a new leaf would get is renewed (and with it
    // every leaf), rather than issuing leaves it cannot vouch for until their end.
    const caCheck = ca ? staleReason(ca, now, renewMs, undefined, undefined, algorithm) : undefined;
    const caReason = caCheck
      ? (caCheck.reason ?? (caCheck.info ? outlivedBy(caCheck.info.notAfter, now, leafDays) : 'unreadable'))
      : 'missing';
    if (!ca || caReason) {
      const keyPair = await newKeyPair();
      const cert = createCertificate({
        subject: { commonName: settings.caCommonName, organization: settings.organization },
        keyPair,
        notBefore: backdate(now),
        notAfter: new Date(now.getTime() + caDays * DAY_MS),
        isCa: true,
      });
      ca = { cert, key: keyPair.privateKey };
      reasons[CA_ID] = caReason ?? 'missing';
      save(CA_ID, ca);
    }
    const caPair = ca;
    const caNotAfter = !caReason && caCheck?.info ? caCheck.info.notAfter : inspectCertificate(caPair.cert).notAfter;
    const publicRequest: CertificateRequest = {
      id: PUBLIC_ID,
      commonName: settings.publicDomain,
      dnsNames: [settings.publicDomain, `*.${settings.publicDomain}`],
      ipAddresses: [],
      usages: ['server'],
    };

    // Decide first, then generate every missing key in parallel (native keygen runs off the main thread).
    const all = [publicRequest, ...requests];
    const existing = new Map(all.map((r) => [r.id, this.read(r.id)] as const));
    // Each stored certificate is parsed once and the CA's key once (a large fleet has thousands of leaves); pairs
    // whose bytes an earlier run verified are not parsed or verified again (CHECKED_FILE).
    const caKey = new X509Certificate(caPair.cert).publicKey;
    const known = this.readChecked();
    const checked = new Map<string, CertificateInfo>();
    const expiry = new Map<string, Date>();
    const decisions = all.map((r) => {
      const pair = existing.get(r.id);
      const selfSigned = r.id === PUBLIC_ID;
      if (!pair) return { request: r, pair, reason: 'missing' };
      if (caReason && !selfSigned) return { request: r, pair, reason: 'CA re-issued' };
      const digest = pairDigest(pair, selfSigned ? undefined : caPair.cert);
      const { reason: stale, info } = staleReason(pair, now, renewMs, selfSigned ? undefined : caKey, r, algorithm, known.get(digest));
      const reason = stale ?? (selfSigned || !info ? undefined : outlives(info.notAfter, caNotAfter));
      if (info) expiry.set(r.id, info.notAfter);
      if (info && !reason) checked.set(digest, info);
      return { request: r, pair, reason };
    });
    let prepared: PreparedIssuer | undefined;
    const signingIssuer = () => {
      prepared ??= prepareIssuer({ cert: caPair.cert, privateKey: caPair.key });
      return prepared;
    };
    const total = decisions.filter((d) => d.reason || !d.pair).length + (reasons[CA_ID] ? 1 : 0);
    let done = reasons[CA_ID] ? 1 : 0;
    if (done > 0) options.onProgress?.(done, total);
    const fresh = await Promise.all(
      decisions.map(async (d) => {
        if (!d.reason && d.pair) return [d.request.id, d.pair] as const;
        const keyPair = await newKeyPair();
        const selfSigned = d.request.id === PUBLIC_ID;
        const notAfter = new Date(now.getTime() + leafDays * DAY_MS);
        // The CA was renewed above when a new leaf would outlive it; this only guards that rule.
        if (!selfSigned && notAfter > caNotAfter)
          throw new Error(`certificate ${d.request.id} would outlive its CA (${caNotAfter.toISOString()})`);
        const cert = createCertificate({
          subject: { commonName: d.request.commonName, organization: settings.organization },
          keyPair,
          notBefore: backdate(now),
          notAfter,
          isCa: false,
          dnsNames: d.request.dnsNames,
          ipAddresses: d.request.ipAddresses,
          usages: d.request.usages ?? ['server'],
          ...(selfSigned ? {} : { issuer: signingIssuer() }),
        });
        const pair = { cert, key: keyPair.privateKey };
        expiry.set(d.request.id, notAfter); // known: no need to parse the new certificate for it
        reasons[d.request.id] = d.reason ?? 'missing';
        save(d.request.id, pair);
        options.onProgress?.(++done, total);
        return [d.request.id, pair] as const;
      }),
    );
    const leaves = new Map(fresh);
    const freshNotAfter = now.getTime() + leafDays * DAY_MS;
    const reusableUntil = new Date(
      Math.min(
        caNotAfter.getTime() - renewMs,
        caNotAfter.getTime() - leafDays * DAY_MS,
        ...[...leaves.keys()].map((id) => (expiry.get(id)?.getTime() ?? freshNotAfter) - renewMs),
      ),
    );
    const toIssued = (id: string, pair: StoredPair, chain: string): IssuedCertificate => ({
      cert: pair.cert,
      key: pair.key,
      chain,
      notAfter: expiry.get(id) ?? inspectCertificate(pair.cert).notAfter,
    });
    const publicPair = leaves.get(PUBLIC_ID);
    if (!publicPair) throw new Error('public certificate missing');
    const issuedCache = new Map<string, IssuedCertificate>();
    const material: PkiMaterial = {
      caCert: caPair.cert,
      publicCert: toIssued(PUBLIC_ID, publicPair, ''),
      leaf(id: string): IssuedCertificate {
        const cached = issuedCache.get(id);
        if (cached) return cached;
        const pair = id === PUBLIC_ID ? undefined : leaves.get(id);
        if (!pair) throw new Error(`no certificate was requested for ${id}: add it to the renderer's certificates()`);
        const issued = toIssued(id, pair, caPair.cert);
        issuedCache.set(id, issued);
        return issued;
      },
    };
    const persistPending = () => {
      // The CA first: a leaf on disk must never be signed by a CA that is not.
      for (const id of [...pending.keys()].sort((a, b) => Number(b === CA_ID) - Number(a === CA_ID))) this.write(id, pending.get(id)!);
      pending.clear();
      this.writeChecked(checked);
    };
    if (persist) this.writeChecked(checked);
    return { material, issued: Object.keys(reasons).sort(), reasons, persist: persistPending, reusableUntil };
  }

  /** Every certificate in the state directory with its names and expiry (for `render certs`). */
  list(): CertificateListing[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.cert.pem'))
      .sort()
      .map((f) => ({
        id: f.slice(0, -'.cert.pem'.length).replace('__', '/'),
        ...inspectCertificate(readFileSync(join(this.dir, f), 'utf8')),
      }));
  }
}

/** A CHECKED_FILE entry as CertificateInfo, or undefined when it does not have that shape. */
function checkedInfo(v: unknown): CertificateInfo | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const e = v as Record<string, unknown>;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  const date = (x: unknown) => (typeof x === 'string' && !Number.isNaN(Date.parse(x)) ? new Date(x) : undefined);
  const notBefore = date(e.notBefore);
  const notAfter = date(e.notAfter);
  const text = ['subject', 'issuer', 'serial', 'keyAlgorithm'].every((k) => typeof e[k] === 'string');
  if (!notBefore || !notAfter || !text || typeof e.isCa !== 'boolean' || !strings(e.dnsNames) || !strings(e.ipAddresses)) return undefined;
  // Entries recorded before usages were part of them are verified again (and recorded with them).
  if (!strings(e.usages) || !(e.usages as string[]).every((u) => u === 'server' || u === 'client')) return undefined;
  return {
    subject: e.subject as string,
    issuer: e.issuer as string,
    serial: e.serial as string,
    notBefore,
    notAfter,
    dnsNames: e.dnsNames as string[],
    ipAddresses: e.ipAddresses as string[],
    isCa: e.isCa,
    keyAlgorithm: e.keyAlgorithm as string,
    usages: e.usages as ('server' | 'client')[],
  };
}

/** Why a CA must be renewed before issuing a leaf valid for `leafDays` from now: it would expire first. */
function outlivedBy(caEnd: Date, now: Date, leafDays: number): string | undefined {
  const leafEnd = new Date(now.getTime() + leafDays * DAY_MS);
  return caEnd < leafEnd ? `expires ${caEnd.toISOString()}, before a certificate issued now (${leafDays} days) would` : undefined;
}

/** Why a stored leaf must be re-issued although otherwise current: it is valid longer than its CA. */
function outlives(leafEnd: Date, caEnd: Date): string | undefined {
  return leafEnd > caEnd ? `outlives its CA (which expires ${caEnd.toISOString()})` : undefined;
}

/**
 * Why a stored certificate must be re-issued (undefined when it can be reused), and what it says when it could be
 * read. `caKey`: the current CA's public key, for a leaf. `verified`: what an earlier run read from exactly these
 * bytes after verifying the key and signature (CHECKED_FILE): only dates, names and algorithm are checked then.
 */
function staleReason(
  pair: StoredPair,
  now: Date,
  renewMs: number,
  caKey: KeyObject | undefined,
  request: CertificateRequest | undefined,
  algorithm: string,
  verified?: CertificateInfo,
): { reason: string | undefined; info?: CertificateInfo } {
  if (verified) return datesAndNames(verified, now, renewMs, request, algorithm);
  let cert: X509Certificate;
  let info: CertificateInfo;
  try {
    cert = new X509Certificate(pair.cert);
    info = inspectX509(cert);
    if (!cert.checkPrivateKey(createPrivateKey(pair.key))) return { reason: 'key does not match certificate' };
  } catch {
    return { reason: 'unreadable' };
  }
  if (caKey && !verifies(cert, caKey)) return { reason: 'not signed by the current CA', info };
  return datesAndNames(info, now, renewMs, request, algorithm);
}

function datesAndNames(
  info: CertificateInfo,
  now: Date,
  renewMs: number,
  request: CertificateRequest | undefined,
  algorithm: string,
): { reason: string | undefined; info: CertificateInfo } {
  const reason = (r: string | undefined) => ({ reason: r, info });
  if (info.keyAlgorithm !== algorithm) return reason(`key algorithm changed (${info.keyAlgorithm} -> ${algorithm})`);
  if (info.notAfter.getTime() - now.getTime() <= renewMs)
    return reason(`expires ${info.notAfter.toISOString()} (inside the renewal window)`);
  if (info.notBefore.getTime() > now.getTime() + 300_000) return reason('not yet valid');
  if (request) {
    if (info.subject !== request.commonName) return reason('common name changed');
    const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join(',') === [...b].sort().join(',');
    const ips = request.ipAddresses.map(canonicalIp);
    if (!same(info.dnsNames, request.dnsNames) || !same(info.ipAddresses, ips)) return reason('subject alternative names changed');
    if (!same(info.usages, request.usages ?? ['server'])) return reason('key usages changed');
  }
  return reason(undefined);
}

function verifies(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.verify(key);
  } catch {
    return false;
  }
}

/** Certificates start an hour in the past so clients with a slightly slow clock accept them. */
function backdate(now: Date): Date {
  return new Date(now.getTime() - 3_600_000);
}
