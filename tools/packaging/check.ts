/**
 * `npm run check:packages`: packs every published package and lints each tarball, exactly as it would be
 * published, with publint (suggestions and warnings fail too) and @arethetypeswrong/cli (node10, node16 from CJS
 * and from ESM, bundler). Exit 1 on any finding. Build first (`npm run build`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { type Packed, packAll, REPO } from './published.js';

const ATTW = join(REPO, 'node_modules/.bin/attw');

function attw(tarball: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ATTW, [tarball, '--format', 'ascii', '--no-color'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ok: code === 0, output }));
  });
}

async function lint(p: Packed): Promise<string[]> {
  const problems: string[] = [];
  const tarball = readFileSync(p.tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
    level: 'suggestion',
    strict: true,
  });
  for (const m of messages) problems.push(`publint ${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code}`);
  const types = await attw(p.tarball);
  if (!types.ok) problems.push(`attw:\n${types.output.trimEnd()}`);
  return problems;
}

const started = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'chatops-pack-'));
try {
  const packed = packAll(dir);
  let failed = 0;
  // Two at a time: attw starts a TypeScript program per tarball.
  const queue = [...packed];
  const results = new Map<string, string[]>();
  await Promise.all(
    [0, 1].map(async () => {
      for (let p = queue.shift(); p; p = queue.shift()) results.set(p.name, await lint(p));
    }),
  );
  for (const p of packed) {
    const problems = results.get(p.name) ?? [];
    if (problems.length > 0) failed++;
    console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${p.name}${problems.map((x) => `\n  ${x.replaceAll('\n', '\n  ')}`).join('')}`);
  }
  console.log(
    `${packed.length} packages packed and linted with publint and attw, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
