import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, formatPath, yamlLineLocator } from '@chatops/core';
import { certificateRequests, prepareRender } from '@chatops/stack';
import { REPO, requireBinary, run, tempDir } from '@chatops/testing';
import fc from 'fast-check';
import { dump, load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';

// Issue #12: every environment value that reaches a certificate (the CA's common name and organization, the
// environment's name, the domains, node names) either is refused at load with a message at that value's line in
// the environment file (exit 2), or is issued into certificates that carry it exactly and that a strict X.509
// reader accepts: never a crash in issuance (exit 70), never a name longer than X.509 allows.

const SOURCE = readFileSync(join(REPO, 'examples/cloud-chatops/environments/prod.yaml'), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: a test fixture patched in place
const BASE = load(SOURCE) as Record<string, any>;
// One node per role: every kind of certificate (server, client, both) is issued, no more (issuance is the cost).
BASE.nodes = BASE.nodes.filter((n: { name: string }) => !['chatops-2', 'chatops-3', 'grafana-2'].includes(n.name));
BASE.internalDomain = 'internal.cloud-chatops.nubes.rl.ac.uk';
BASE.tls.internal.keyAlgorithm = 'ecdsa-p256'; // keys are the slow part of issuance: ECDSA keeps each run fast

type Path = (string | number)[];
const FIELDS: Path[] = [
  ['name'],
  ['domain'],
  ['internalDomain'],
  ['tls', 'internal', 'commonName'],
  ['tls', 'internal', 'organization'],
  ['nodes', 0, 'name'],
  ['nodes', 3, 'name'],
];

const NODE_NAMES: Path[] = (BASE.nodes as unknown[]).map((_, i) => ['nodes', i, 'name']);

const PARTS = [
  '\n',
  '"',
  "'",
  '%',
  '$',
  '\\',
  ' ',
  ',',
  '+',
  '=',
  '/',
  ';',
  '<',
  '>',
  '#',
  '*',
  '.',
  '-',
  '..',
  'é',
  '\u00a0',
  '\u202e',
  'CN=x',
  '\0',
];
const label = fc.integer({ min: 1, max: 63 }).map((n) => 'a'.repeat(n));
const hostile = fc.oneof(
  { arbitrary: fc.array(fc.constantFrom(...PARTS, 'a', '1'), { minLength: 1, maxLength: 6 }).map((p) => p.join('')), weight: 3 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
  // Names of every length up to the DNS limit, so that the derived certificate names cross X.509's 64.
  { arbitrary: fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => `${labels.join('.')}.org`), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 70 }).map((n) => `n${'x'.repeat(n)}`), weight: 2 },
);
const around = (base: string) =>
  fc
    .tuple(hostile, fc.constantFrom('prefix', 'suffix', 'replace'))
    .map(([h, where]) => (where === 'prefix' ? h + base : where === 'suffix' ? base + h : h));

function valueAt(doc: unknown, path: Path): unknown {
  let cursor: unknown = doc;
  for (const seg of path) cursor = (cursor as Record<string | number, unknown>)[seg];
  return cursor;
}

/** The common name and organization of a DER-encoded certificate's subject or issuer, decoded as written. */
function names(der: Buffer, which: 'subject' | 'issuer'): { CN?: string; O?: string } {
  const read = (buf: Buffer, at: number) => {
    let len = buf[at + 1]!;
    let head = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
      head += n;
    }
    return { tag: buf[at]!, body: buf.subarray(at + head, at + head + len), end: at + head + len };
  };
  const children = (buf: Buffer) => {
    const out: ReturnType<typeof read>[] = [];
    for (let at = 0; at < buf.length; at = out[out.length - 1]!.end) out.push(read(buf, at));
    return out;
  };
  const tbs = children(read(der, 0).body)[0]!;
  const fields = children(tbs.body).filter((f) => f.tag !== 0xa0); // [0] version
  const name = fields[which === 'issuer' ? 2 : 4]!; // serial, signature, issuer, validity, subject
  const out: { CN?: string; O?: string } = {};
  for (const rdn of children(name.body)) {
    const [type, value] = children(children(rdn.body)[0]!.body);
    expect(value!.tag, 'a UTF8String').toBe(0x0c);
    const id = type!.body.toString('hex');
    if (id === '550403') out.CN = value!.body.toString('utf8');
    if (id === '55040a') out.O = value!.body.toString('utf8');
  }
  return out;
}

describe('hostile values in every field that reaches a certificate (fixed seed)', () => {
  const dir = tempDir();
  afterAll(() => dir[Symbol.dispose]());
  const file = join(dir.path, 'prod.yaml');
  const openssl = requireBinary('openssl');
  let verified = 0;

  const predicate = async (path: Path, value: string) => {
    const doc = structuredClone(BASE);
    (valueAt(doc, path.slice(0, -1)) as Record<string | number, unknown>)[path[path.length - 1]!] = value;
    const text = dump(doc);
    writeFileSync(file, text);
    const what = `${path.join('.')} = ${JSON.stringify(value)}`;
    let ctx: Awaited<ReturnType<typeof prepareRender>>;
    try {
      ctx = await prepareRender(file, {
        cwd: dir.path,
        resolveSecrets: false,
        pkiDir: mkdtempSync(join(dir.path, 'pki-')),
        persistPki: false,
      });
    } catch (e) {
      // Refused: at the line of the value (a derived name at the field it derives from), never a crash.
      expect(e, what).toBeInstanceOf(ConfigError);
      const lines = (e as ConfigError).diagnostics.map((d) => `${d.file}:${d.line}`);
      const at = yamlLineLocator(text);
      // A name derived from several fields may be reported at any of them (a node's private name: its name and
      // internalDomain; the CA's default common name: the environment's name).
      const derived: Path[] = path[0] === 'name' ? [['tls', 'internal', 'commonName']] : [['internalDomain'], ['domain'], ...NODE_NAMES];
      const allowed = [path, ...derived].map((p) => `prod.yaml:${at(p)}`);
      expect(
        lines.filter((l) => allowed.includes(l)),
        `${what}: ${(e as ConfigError).message}`,
      ).not.toEqual([]);
      return;
    }
    const { env, pki } = ctx;
    const ca = new X509Certificate(pki.caCert);
    const organization = env.tls.internal.organization;
    expect(names(ca.raw, 'subject'), what).toEqual({ CN: env.tls.internal.commonName ?? `${env.name} internal CA`, O: organization });
    const requests = certificateRequests(env);
    for (const r of requests) {
      const leaf = new X509Certificate(pki.leaf(r.id).cert);
      const subject = names(leaf.raw, 'subject');
      expect(subject, `${r.id}: ${what}`).toEqual({ CN: r.commonName, O: organization });
      expect([...subject.CN!].length, `${r.id}: ${what}`).toBeLessThanOrEqual(64);
      expect(names(leaf.raw, 'issuer'), `${r.id}: ${what}`).toEqual(names(ca.raw, 'subject'));
      expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey), `${r.id}: ${what}`).toBe(true);
      for (const dns of r.dnsNames) expect(leaf.checkHost(dns), `${r.id} for ${dns}: ${what}`).toBe(dns);
    }
    expect(names(new X509Certificate(pki.publicCert.cert).raw, 'subject').CN).toBe(env.domain);
    // OpenSSL's strict verification on a server and a client leaf of every fifth accepted run (a process each).
    if (verified++ % 5 === 0) {
      const caFile = join(dir.path, 'ca.pem');
      writeFileSync(caFile, pki.caCert);
      for (const [r, purpose] of [
        [requests.find((q) => (q.usages ?? ['server']).includes('server'))!, 'sslserver'],
        [requests.find((q) => q.usages?.includes('client') && !q.usages.includes('server'))!, 'sslclient'],
      ] as const) {
        const leafFile = join(dir.path, 'leaf.pem');
        writeFileSync(leafFile, pki.leaf(r.id).cert);
        const out = run(openssl, ['verify', '-x509_strict', '-purpose', purpose, '-CAfile', caFile, leafFile]);
        expect(out.status, `openssl verify ${r.id}: ${out.stdout}${out.stderr}: ${what}`).toBe(0);
      }
    }
  };

  it('are refused at their line, or carried exactly in valid certificates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIELDS).chain((path) => around(String(valueAt(BASE, path))).map((value) => ({ path, value }))),
        ({ path, value }) => predicate(path, value),
      ),
      { seed: 12, numRuns: 100 },
    );
    expect(verified).toBeGreaterThan(10);
  }, 120_000);

  it('a leaf whose common name would be longer than 64 characters is refused at load, at the field to shorten', async () => {
    const refused = async (patch: (doc: Record<string, unknown>) => void) => {
      const doc = structuredClone(BASE);
      patch(doc);
      const text = dump(doc);
      writeFileSync(file, text);
      const pkiDir = mkdtempSync(join(dir.path, 'pki-'));
      try {
        await prepareRender(file, { cwd: dir.path, resolveSecrets: false, pkiDir, persistPki: false });
      } catch (e) {
        // The line is that of the path reported (the snapshot does not depend on the example's layout).
        const at = yamlLineLocator(text);
        return (e as ConfigError).diagnostics
          .map((d) => `${d.file}:${d.line === at(d.path) ? '<its line>' : d.line}: ${formatPath(d.path)}: ${d.message}`)
          .join('\n');
      }
      return 'no error';
    };
    expect(
      await refused((doc) => {
        doc.internalDomain = 'a-rather-long-internal-domain.cloud-chatops.nubes.rl.ac.uk';
      }),
    ).toMatchInlineSnapshot(
      `"prod.yaml:<its line>: internalDomain: a certificate's common name "prometheus-1.a-rather-long-internal-domain.cloud-chatops.nubes.rl.ac.uk" (prometheus-1/node-exporter) would be 71 characters (X.509 allows 64): use an internalDomain of at most 51 characters, or shorter node names"`,
    );
    expect(
      await refused((doc) => {
        delete doc.internalDomain;
        doc.domain = 'a-rather-long-public-domain-name.cloud-chatops.nubes.rl.ac.uk';
      }),
    ).toMatchInlineSnapshot(
      `"prod.yaml:<its line>: domain: a certificate's common name "prometheus-1.internal.a-rather-long-public-domain-name.cloud-chatops.nubes.rl.ac.uk" (prometheus-1/node-exporter) would be 83 characters (X.509 allows 64), through internalDomain's default internal.a-rather-long-public-domain-name.cloud-chatops.nubes.rl.ac.uk: set internalDomain (at most 51 characters)"`,
    );
    expect(
      await refused((doc) => {
        (doc.nodes as { name: string }[])[3]!.name = `prometheus-${'x'.repeat(40)}`;
      }),
    ).toMatchInlineSnapshot(
      `"prod.yaml:<its line>: nodes.3.name: a certificate's common name "prometheus-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.internal.cloud-chatops.nubes.rl.ac.uk" (prometheus-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/node-exporter) would be 89 characters (X.509 allows 64): use a node name of at most 26 characters"`,
    );
  });
});
