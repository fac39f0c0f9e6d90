import {
  type HaproxyConfigInput,
  parseCondition,
  formatHaproxyConfig,
  haproxyConfigSchema,
  printHaproxyConfig,
} from '@chatops/haproxy-config';
import { configErrorMessage, requireBinary, run, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { BCRYPT, sampleModel, selfSignedBundle, writeFile } from './_fixtures.js';

const FILES = { crt: '/etc/haproxy/certs/test.pem', ca: '/etc/chatops/tls/ca.pem', errorfile: '/etc/haproxy/errors/503.http' };

describe('printer', () => {
  it('prints every section in a fixed order with correct quoting', async () => {
    const text = printHaproxyConfig(sampleModel(FILES));
    await expect(text).toMatchFileSnapshot('./__snapshots__/sample.cfg');
    expect(text.endsWith('\n')).toBe(true);
    // Bare hash: inside double quotes HAProxy would expand `$2b`, `$10`... as environment variables.
    expect(text).toContain(`user alice password ${BCRYPT} groups admins`);
    expect(text).toContain(`acl odd path -- '/with space' "/it's" -dash`);
    expect(text).toContain("http-after-response set-header Strict-Transport-Security 'max-age=63072000; includeSubDomains'");
    expect(text).toContain('    # INSECURE: TLS to server legacy is not verified (insecure: true)');
  });

  it('keeps the syslog format on global and frontend log lines alike', () => {
    const text = printHaproxyConfig({
      global: { log: [{ target: 'stdout', format: 'raw', facility: 'local0' }] },
      frontends: [
        {
          name: 'f',
          mode: 'http',
          binds: [{ address: '', port: 8080 }],
          log: [{ target: '/dev/log', format: 'rfc5424', facility: 'local1', level: 'info' }],
        },
      ],
    }).split('\n');
    expect(text).toContain('    log stdout format raw local0');
    expect(text).toContain('    log /dev/log format rfc5424 local1 info');
  });

  it('is deterministic', () => {
    expect(printHaproxyConfig(sampleModel(FILES))).toBe(printHaproxyConfig(structuredClone(sampleModel(FILES))));
  });

  it('quotes what HAProxy would split, comment out or expand', () => {
    const text = (value: string) =>
      printHaproxyConfig({
        frontends: [
          { name: 'f', mode: 'http', binds: [{ address: '', port: 8080 }], httpRequest: [{ action: 'set-header', name: 'X', value }] },
        ],
      })
        .split('\n')
        .find((l) => l.includes('set-header')) ?? '';
    expect(text('plain')).toBe('    http-request set-header X plain');
    expect(text('a b')).toBe("    http-request set-header X 'a b'");
    expect(text('#x')).toBe("    http-request set-header X '#x'");
    expect(() => text('')).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: frontends.f.httpRequest.X.value: HAProxy drops empty words: use del-header to remove a header]`,
    );
    expect(text('it\'s $HOME "x" \\')).toBe('    http-request set-header X "it\'s \\$HOME \\"x\\" \\\\"');
  });
});

describe('conditions', () => {
  it('finds named and anonymous ACLs', () => {
    expect(parseCondition('a !b || { http_auth(ops) } or c')).toEqual({
      aclNames: ['a', 'b', 'c'],
      anonymous: [['http_auth(ops)']],
      errors: [],
    });
    expect(parseCondition('{ path /x').errors).toEqual(['unclosed "{" in condition']);
    expect(parseCondition('a ||').errors).toEqual(['condition ends with an operator']);
  });
});

describe('haproxy -c', () => {
  it('accepts the sample model with real files', () => {
    const haproxy = requireBinary('haproxy');
    using dir = tempDir();
    const files = {
      crt: selfSignedBundle(dir.path),
      ca: selfSignedBundle(dir.path, 'ca.pem'),
      errorfile: writeFile(dir.path, '503.http', 'HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nDown\n'),
    };
    const cfg = writeFile(dir.path, 'haproxy.cfg', printHaproxyConfig(sampleModel(files)));
    const r = run(haproxy, ['-c', '-dW', '-f', cfg]);
    expect(r.stdout + r.stderr).toContain('Configuration file is valid');
    expect(r.status).toBe(0);
  });

  it('accepts what our checks reject: they cover its blind spots', () => {
    const haproxy = requireBinary('haproxy');
    using dir = tempDir();
    const model = {
      userlists: [{ name: 'u', users: [{ name: 'x', password: 'not-a-hash' }] }],
      frontends: [
        {
          name: 'f',
          mode: 'http',
          binds: [{ address: '127.0.0.1', port: 18080 }],
          acls: [{ name: 'ok', criterion: 'http_auth(u)' }],
          httpRequest: [
            { action: 'auth', unless: 'ok' },
            { action: 'return', status: 200 },
          ],
        },
      ],
    } satisfies HaproxyConfigInput;
    const cfg = writeFile(dir.path, 'haproxy.cfg', formatHaproxyConfig(haproxyConfigSchema.parse(model)));
    expect(run(haproxy, ['-c', '-f', cfg]).status).toBe(0);
    expect(configErrorMessage(() => printHaproxyConfig(model))).toMatchInlineSnapshot(
      `"userlists.u.users.x.password: password of x is not a crypt(3) hash ($6$, $5$, $2b$ or $y$); plaintext passwords are not accepted"`,
    );
  });
});

type Mutation = (m: HaproxyConfigInput & Required<Pick<HaproxyConfigInput, 'frontends' | 'backends' | 'userlists' | 'listens'>>) => void;
const bad: [string, Mutation][] = [
  ['unknown key', (m) => Object.assign(m.frontends[0]!, { bnd: [] })],
  ['use_backend to nowhere', (m) => m.frontends[0]!.useBackends!.push({ backend: 'nope', if: 'host_app' })],
  ['default_backend to nowhere', (m) => (m.frontends[0]!.defaultBackend = 'gone')],
  ['undefined ACL in a condition', (m) => (m.frontends[0]!.useBackends![0]!.if = 'host_app !host_typo')],
  ['http_auth of a missing userlist', (m) => m.frontends[0]!.acls!.push({ name: 'x', criterion: 'http_auth(admins)' })],
  ['missing userlist in an anonymous ACL', (m) => (m.listens[0]!.stats!.authUnless = '{ http_auth(nobody) }')],
  ['plaintext password', (m) => (m.userlists[0]!.users[0]!.password = 'hunter2')],
  ['malformed bcrypt hash', (m) => (m.userlists[0]!.users[0]!.password = BCRYPT.slice(0, -3))],
  ['double-quoted hash', (m) => (m.userlists[0]!.users[0]!.password = `"${BCRYPT}"`)],
  ['undeclared user group', (m) => (m.userlists[0]!.users[0]!.groups = ['admins', 'root'])],
  ['host name without init-addr none', (m) => (m.backends[0]!.servers![1]!.initAddr = ['last', 'libc'])],
  ['ssl without ca-file', (m) => delete m.backends[0]!.servers![0]!.ssl!.caFile],
  ['ssl without sni', (m) => delete m.backends[0]!.servers![0]!.ssl!.sni],
  ['verify none without an explicit opt-out', (m) => delete m.backends[1]!.servers![0]!.ssl!.insecure],
  ['both if and unless', (m) => (m.frontends[0]!.useBackends![0]!.unless = 'host_app')],
  ['duplicate backend', (m) => m.backends.push({ name: 'app' })],
  ['duplicate server', (m) => m.backends[0]!.servers!.push({ name: 'a1', address: '127.0.0.9' })],
  ['same address bound twice', (m) => m.listens[1]!.binds!.push({ address: '127.0.0.1', port: 18443 })],
  ['http rules in tcp mode', (m) => (m.listens[1]!.httpRequest = [{ action: 'deny' }])],
  ['HTTP/1.1 health check without Host', (m) => (m.backends[0]!.httpCheck!.headers = [])],
  ['redirect without a target', (m) => m.frontends[0]!.httpRequest!.push({ action: 'redirect', code: 301 })],
  [
    'undefined cache, resolvers, http-errors, defaults',
    (m) => {
      m.frontends[0]!.errorfiles = 'nope';
      m.frontends[0]!.httpRequest!.push({ action: 'cache-use', cache: 'big' });
      m.backends[0]!.servers![1]!.resolvers = 'dns2';
      m.listens[1]!.from = 'tcp2';
    },
  ],
  [
    'named defaults also inherited implicitly',
    (m) => m.defaults!.push({ name: 'last', mode: 'http' }, { name: 'tail', mode: 'http' }) && (m.listens[1]!.from = 'tail'),
  ],
  [
    'bad time and TLS version',
    (m) => {
      m.backends[0]!.defaultServer = { inter: '2 seconds' };
      m.frontends[0]!.binds![0]!.ssl!.minVersion = 'TLSv1.4' as 'TLSv1.3';
    },
  ],
];

describe('checks', () => {
  const messages = Object.fromEntries(
    bad.map(([name, mutate]) => {
      const m = structuredClone(sampleModel(FILES)) as Parameters<Mutation>[0];
      mutate(m);
      return [name, configErrorMessage(() => printHaproxyConfig(m))];
    }),
  );

  it('rejects every bad model with a message naming the path', () => {
    for (const [name, message] of Object.entries(messages)) expect(message, name).not.toBe('no error');
    expect(messages).toMatchInlineSnapshot(`
      {
        "HTTP/1.1 health check without Host": "backends.app.httpCheck.headers: HTTP/1.1 health checks need a Host header (servers answer 400 without one)",
        "bad time and TLS version": "frontends.web.binds.0.ssl.minVersion: Invalid option: expected one of "SSLv3"|"TLSv1.0"|"TLSv1.1"|"TLSv1.2"|"TLSv1.3"
      backends.app.defaultServer.inter: expected an HAProxy time like 500ms, 5s, 1m or 1h",
        "both if and unless": "frontends.web.useBackends.0: a rule takes either "if" or "unless", not both",
        "default_backend to nowhere": "frontends.web.defaultBackend: default_backend gone is not a backend",
        "double-quoted hash": "userlists.ops.users.alice.password: password hash of alice is quoted: HAProxy takes the quotes literally (and expands $ inside double quotes), so it would never match; give the bare hash",
        "duplicate backend": "backends.app.name: duplicate backend name app (also backend app)",
        "duplicate server": "backends.app.servers.a1.name: duplicate server name a1 in backend app",
        "host name without init-addr none": "backends.app.servers.a2.address: server a2 uses host name localhost: HAProxy refuses to start when it does not resolve; use an IP address or initAddr with 'none'",
        "http rules in tcp mode": "listens.db.httpRequest: http-request rules need mode http (listen db runs in tcp mode)",
        "http_auth of a missing userlist": "frontends.web.acls.x.criterion: http_auth(admins) names no userlist (defined: ops)",
        "malformed bcrypt hash": "userlists.ops.users.alice.password: password hash of alice is malformed (wrong length or characters for its format); haproxy -c accepts it but no password would ever match",
        "missing userlist in an anonymous ACL": "listens.stats.stats.authUnless: http_auth(nobody) names no userlist (defined: ops)",
        "named defaults also inherited implicitly": "defaults.tail: defaults tail is both named with "from" and inherited implicitly by web (HAProxy refuses the mix): end the defaults list with a section nobody names",
        "plaintext password": "userlists.ops.users.alice.password: password of alice is not a crypt(3) hash ($6$, $5$, $2b$ or $y$); plaintext passwords are not accepted",
        "redirect without a target": "frontends.web.httpRequest.4: a redirect takes exactly one of scheme, location or prefix",
        "same address bound twice": "listens.db.binds.1: 127.0.0.1:18443 is already bound by frontend web",
        "ssl without ca-file": "backends.app.servers.a1.ssl.caFile: server a1 verifies TLS but names no caFile to verify against",
        "ssl without sni": "backends.app.servers.a1.ssl.sni: server a1 needs an explicit sni (e.g. str(host.example.org)): HAProxy before 3.3 sends none and verifyhost needs a name",
        "undeclared user group": "userlists.ops.users.alice.groups.1: group root is not declared in userlist ops",
        "undefined ACL in a condition": "frontends.web.useBackends.0.if: ACL host_typo is not defined in frontend web",
        "undefined cache, resolvers, http-errors, defaults": "frontends.web.errorfiles: errorfiles nope names no http-errors section
      frontends.web.httpRequest.4.cache: cache big is not defined
      backends.app.servers.a2.resolvers: resolvers dns2 is not defined
      listens.db.from: defaults section tcp2 is not defined",
        "unknown key": "frontends.web.bnd: unknown key",
        "use_backend to nowhere": "frontends.web.useBackends.1.backend: use_backend target nope is not a backend",
        "verify none without an explicit opt-out": "backends.fallback.servers.legacy.ssl.verify: server legacy turns certificate verification off; set insecure: true to opt out explicitly",
      }
    `);
  });
});
