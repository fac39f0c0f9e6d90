/**
 * Benchmark: `npx @chatops/render prod` wall time with PKI state present, and first-time issuance of the prod
 * certificate set against openssl issuing the same number of RSA certificates.
 *
 *   npm run bench -- render-and-pki        (or: npx tsx --conditions=@chatops/source tools/bench/render-and-pki.ts)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironment } from '@chatops/environment';
import { PkiStore } from '@chatops/pki';
import { certificateRequests, prepareRender, renderStack } from '@chatops/stack';
import { exampleConfigCopy } from '@chatops/testing';
import { median, timed, timedAsync } from './_measure.js';

const REPO = join(import.meta.dirname, '../..');
const CLI = join(REPO, 'packages/render/dist/cli.js');

const scratch = mkdtempSync(join(tmpdir(), 'chatops-bench-'));
try {
  const config = exampleConfigCopy(scratch);
  const prodFile = join(config, 'environments/prod.yaml');

  // --- 1. render wall time, PKI state present -------------------------------------------------------------
  // cwd decides the checker cache: `warm` has a node_modules/ (cache under .cache/), `cold` has none.
  const warm = join(scratch, 'warm');
  const cold = join(scratch, 'cold');
  mkdirSync(join(warm, 'node_modules'), { recursive: true });
  mkdirSync(cold, { recursive: true });
  let fresh = 0;
  const run = (cwd: string, out: string) => {
    const r = spawnSync(process.execPath, [CLI, 'prod', '--config', config, '--out', out], { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`render failed (${r.status}): ${r.stderr}`);
  };
  run(warm, join(scratch, 'out')); // issues the PKI, fills the checker cache
  const nodeStart = median(Array.from({ length: 5 }, () => timed(() => spawnSync(process.execPath, ['-e', '0']))));
  const unchanged = Array.from({ length: 7 }, () => timed(() => run(warm, join(scratch, 'out'))));
  const full = Array.from({ length: 5 }, () => timed(() => run(cold, join(scratch, `out-${fresh++}`))));
  const inProcess: number[] = [];
  for (let i = 0; i < 7; i++) {
    inProcess.push(await timedAsync(async () => renderStack(await prepareRender(prodFile, { pkiDir: join(config, '.pki/prod') }))));
  }
  console.log('render prod (PKI present), median:');
  console.log(`  CLI, re-render (output and checker verdicts unchanged, 7 runs): ${median(unchanged).toFixed(0)} ms`);
  console.log(`  CLI, full (6 native checkers run, output written, 5 runs):     ${median(full).toFixed(0)} ms`);
  console.log(`  bare node startup, for reference:                              ${nodeStart.toFixed(0)} ms`);
  console.log(`  in-process load + PKI reuse + render (7 runs):                 ${median(inProcess).toFixed(0)} ms`);

  // --- 2. first-time issuance vs openssl ----------------------------------------------------------------------
  const { environment } = loadEnvironment(prodFile);
  const requests = certificateRequests(environment);
  const total = requests.length + 2; // + CA + public
  const settings = { caCommonName: 'bench CA', publicDomain: environment.domain, keyBits: 2048 };
  const oursRuns: number[] = [];
  for (let i = 0; i < 3; i++) oursRuns.push(await timedAsync(() => new PkiStore(join(scratch, `pki-${i}`)).ensure(settings, requests)));
  const ours = median(oursRuns);

  const opensslRun = (i: number) => {
    const dir = join(scratch, `openssl-${i}`);
    mkdirSync(dir, { recursive: true });
    const o = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=bench CA']);
    for (let n = 1; n < total; n++) {
      writeFileSync(join(dir, `san-${n}.ext`), `subjectAltName=DNS:leaf-${n}.internal,IP:10.0.0.${n}\n`);
      o(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `leaf-${n}.key`, '-out', `leaf-${n}.csr`, '-subj', `/CN=leaf-${n}`]);
      o([
        'x509',
        '-req',
        '-in',
        `leaf-${n}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `leaf-${n}.pem`,
        '-days',
        '397',
        '-extfile',
        `san-${n}.ext`,
      ]);
    }
  };
  const openssl = median([0, 1, 2].map((i) => timed(() => opensslRun(i))));
  console.log(
    `first-time issuance of the prod set: ${total} RSA-2048 certificates (CA + public + ${requests.length} leaves), median of 3:`,
  );
  console.log(`  @chatops/pki (native keygen in parallel, native signing): ${ours.toFixed(0)} ms`);
  console.log(`  openssl req/x509, one process per step, sequential:          ${openssl.toFixed(0)} ms`);
  console.log(`  ratio ours/openssl: ${(ours / openssl).toFixed(2)} (below 1 means faster than openssl)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
