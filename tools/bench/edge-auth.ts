/**
 * Benchmark: authenticated requests per second through the real HAProxy (the machine's `haproxy`, crypt(3) from
 * the C library), for each password hash scheme an edge userlist could hold. HAProxy checks the hash on every
 * request (its manual warns about bcrypt there), so the hash's cost is the edge's cost per request.
 * - bcrypt cost 10: what the edge userlist holds for a user without `edgePasswordHash` (`env.users[].passwordHash`,
 *   shared with Prometheus and Alertmanager web auth);
 * - SHA-512-crypt, 5,000 rounds (`$6$`, glibc's default, what `openssl passwd -6` prints): a user's
 *   `edgePasswordHash`; still salted and iterated;
 * - SHA-512-crypt, 50,000 rounds (`$6$rounds=50000$`): more rounds trade throughput back for costlier guesses.
 * One frontend answering 200 itself (no backend: only authentication is measured), 8 keep-alive connections,
 * a fixed number of requests per scheme, median of 3 runs; unauthenticated and wrong-password requests are
 * checked to get 401 first. Noisy on a shared machine: compare the ratio, measured in the same run.
 *
 *   npm run bench -- edge-auth        (or: npx tsx --conditions=@chatops/source tools/bench/edge-auth.ts)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK_PASSWORDS, freePorts, requireBinary, startProcess, waitForPort } from '@chatops/testing';
import { median } from './_measure.js';

const HOST = '127.0.0.1';
const USER = 'admin';
const PASSWORD = LOOPBACK_PASSWORDS.admin;
const PARALLEL = 8;

const schemes = [
  // The loopback environment's bcrypt hash of the same password (cost 10).
  { name: 'bcrypt, cost 10 (passwordHash)', hash: '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy', requests: 40 },
  {
    name: 'SHA-512-crypt, 5000 rounds',
    hash: execFileSync('openssl', ['passwd', '-6', '-salt', 'benchsaltbenchsa', PASSWORD], { encoding: 'utf8' }).trim(),
    requests: 800,
  },
  {
    name: 'SHA-512-crypt, 50000 rounds',
    // glibc's crypt(3) through perl (what `mkpasswd -m sha-512 -R 50000` prints; openssl passwd has no rounds).
    hash: execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', PASSWORD, '$6$rounds=50000$benchsaltbenchsa'], {
      encoding: 'utf8',
    }),
    requests: 200,
  },
];

function get(port: number, agent: Agent, auth?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : undefined;
    request({ host: HOST, port, path: '/', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

async function requestsPerSecond(port: number, count: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
  try {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next++ < count) {
          const status = await get(port, agent, `${USER}:${PASSWORD}`);
          if (status !== 200) throw new Error(`authenticated request answered ${status}`);
        }
      }),
    );
    return (count / (performance.now() - t0)) * 1000;
  } finally {
    agent.destroy();
  }
}

const haproxy = requireBinary('haproxy');
const dir = mkdtempSync(join(tmpdir(), 'chatops-bench-edge-auth-'));
try {
  const results: { name: string; rps: number }[] = [];
  for (const scheme of schemes) {
    const [port] = await freePorts(1);
    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(
      cfg,
      [
        'global',
        '  maxconn 256',
        'defaults',
        '  mode http',
        '  timeout connect 5s',
        '  timeout client 30s',
        '  timeout server 30s',
        'userlist users',
        `  user ${USER} password ${scheme.hash}`,
        'frontend edge',
        `  bind ${HOST}:${port}`,
        '  http-request auth realm bench unless { http_auth(users) }',
        '  http-request return status 200 content-type text/plain string ok',
        '',
      ].join('\n'),
    );
    await using proc = startProcess(haproxy, ['-db', '-f', cfg]);
    await waitForPort(HOST, port!, { process: proc });
    const probe = new Agent({ keepAlive: false });
    if ((await get(port!, probe)) !== 401) throw new Error('an anonymous request was not refused');
    if ((await get(port!, probe, `${USER}:wrong`)) !== 401) throw new Error('a wrong password was not refused');
    probe.destroy();
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await requestsPerSecond(port!, scheme.requests));
    results.push({ name: scheme.name, rps: median(runs) });
  }
  console.log(`authenticated requests/s through haproxy (${PARALLEL} keep-alive connections, median of 3 runs):`);
  for (const r of results) console.log(`  ${r.name.padEnd(28)} ${r.rps.toFixed(0).padStart(7)} req/s`);
  const [before, after] = results;
  if (before && after) console.log(`  ratio: ${(after.rps / before.rps).toFixed(1)}x the throughput of ${before.name}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
