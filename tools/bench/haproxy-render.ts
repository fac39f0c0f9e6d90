/**
 * Benchmark: rendering (strict parse + semantic checks + print) an HAProxy config with 100 vs 1,000 backends of
 * 10 TLS servers each, routed by host from one frontend. Prints the median time of each size, the time per
 * backend and the 1,000/100 ratio (linear scaling gives ~10x).
 *
 *   npm run bench -- haproxy-render      (or: npx tsx --conditions=@chatops/source tools/bench/haproxy-render.ts)
 */
import { type HaproxyConfigInput, checkHaproxyConfig, formatHaproxyConfig, haproxyConfigSchema } from '@chatops/haproxy-config';
import { median } from './_measure.js';

function model(backends: number, serversPerBackend = 10): HaproxyConfigInput {
  const names = Array.from({ length: backends }, (_, b) => `svc-${b}`);
  return {
    defaults: [{ mode: 'http', timeouts: { connect: '5s', client: '30s', server: '30s' } }],
    userlists: [{ name: 'users', users: [{ name: 'admin', password: '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy' }] }],
    frontends: [
      {
        name: 'https',
        binds: [{ address: '', port: 443, ssl: { crt: ['/etc/haproxy/certs/site.pem'], alpn: ['h2', 'http/1.1'] } }],
        acls: [
          ...names.map((n) => ({
            name: `host_${n}`,
            criterion: 'hdr(host),field(1,:)',
            match: 'str' as const,
            ignoreCase: true,
            values: [`${n}.example.org`],
          })),
          { name: 'auth_ok', criterion: 'http_auth(users)' },
        ],
        httpRequest: [{ action: 'auth', realm: 'Bench', unless: 'auth_ok' }],
        useBackends: names.map((n) => ({ backend: n, if: `host_${n}` })),
      },
    ],
    backends: names.map((n, b) => ({
      name: n,
      balance: { algorithm: 'roundrobin' },
      httpCheck: { uri: '/health', headers: [{ name: 'Host', value: `${n}.example.org` }], expect: { status: '200' } },
      servers: Array.from({ length: serversPerBackend }, (_, s) => {
        const fqdn = `${n}-${s}.internal.example.org`;
        return {
          name: `${n}-${s}`,
          address: `10.${(b >> 8) & 255}.${b & 255}.${s + 1}`,
          port: 8443,
          check: true,
          ssl: { caFile: '/etc/chatops/tls/ca.pem', sni: `str(${fqdn})`, verifyhost: fqdn, alpn: ['http/1.1'], checkSni: fqdn },
        };
      }),
    })),
  };
}

type Phases = { parse: number; check: number; print: number; total: number; bytes: number };

/** Median time of each phase of `printHaproxyConfig` (schema, check, format) over `runs` runs, after a warm-up. */
function measure(backends: number, runs: number): Phases {
  const input = model(backends);
  const samples: Phases[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = process.hrtime.bigint();
    const config = haproxyConfigSchema.parse(input);
    const t1 = process.hrtime.bigint();
    if (checkHaproxyConfig(config).length > 0) throw new Error('benchmark model does not pass the checks');
    const t2 = process.hrtime.bigint();
    const text = formatHaproxyConfig(config);
    const t3 = process.hrtime.bigint();
    const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
    if (i >= 3) samples.push({ parse: ms(t0, t1), check: ms(t1, t2), print: ms(t2, t3), total: ms(t0, t3), bytes: text.length });
  }
  const pick = (k: keyof Phases) => median(samples.map((s) => s[k]));
  return { parse: pick('parse'), check: pick('check'), print: pick('print'), total: pick('total'), bytes: pick('bytes') };
}

const sizes = [100, 1000] as const;
const results = sizes.map((n) => ({ n, ...measure(n, n === 100 ? 41 : 11) }));
for (const r of results) {
  console.log(
    `${String(r.n).padStart(5)} backends x 10 servers: ${r.total.toFixed(1)} ms total ` +
      `(parse ${r.parse.toFixed(1)}, check ${r.check.toFixed(1)}, print ${r.print.toFixed(1)}; ${(r.bytes / 1024).toFixed(0)} KiB; ${(r.total / r.n).toFixed(3)} ms/backend)`,
  );
}
const [small, large] = results as [(typeof results)[0], (typeof results)[0]];
const ratio = (k: 'parse' | 'check' | 'print' | 'total') => (large[k] / small[k]).toFixed(2);
console.log(
  `ratio 1,000/100: total ${ratio('total')}x, parse ${ratio('parse')}x, check ${ratio('check')}x, print ${ratio('print')}x (linear = 10x)`,
);
