import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HaproxyConfigInput } from '@chatops/haproxy-config';
import { runOk } from '@chatops/testing';

export const BCRYPT = '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy';

/** A self-signed certificate bundle (cert + key) written into `dir`, for `bind ... ssl crt`. */
export function selfSignedBundle(dir: string, name = 'test.pem'): string {
  const key = join(dir, 'k.pem');
  const cert = join(dir, 'c.pem');
  runOk('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-subj',
    '/CN=test.example',
    '-days',
    '2',
  ]);
  const path = join(dir, name);
  runOk('sh', ['-c', `cat ${cert} ${key} > ${path}`]);
  return path;
}

/** A small but complete model: every section kind, TLS both ways, auth, checks. */
export function sampleModel(files: { crt: string; ca: string; errorfile: string }): HaproxyConfigInput {
  return {
    header: ['sample'],
    global: {
      log: [{ target: '127.0.0.1:514', facility: 'local0', level: 'info' }],
      maxconn: 1000,
      sslDefaultBindOptions: ['ssl-min-ver TLSv1.2', 'no-tls-tickets'],
      tuneSslDefaultDhParam: 2048,
    },
    defaults: [
      { name: 'tcpish', mode: 'tcp', timeouts: { connect: '5s', client: '1m', server: '1m' } },
      { mode: 'http', log: 'global', options: ['httplog', 'dontlognull'], timeouts: { connect: '5s', client: '30s', server: '30s' } },
    ],
    userlists: [{ name: 'ops', groups: ['admins'], users: [{ name: 'alice', password: BCRYPT, groups: ['admins'] }] }],
    resolvers: [
      { name: 'dns', nameservers: [{ name: 'ns1', address: '127.0.0.53' }], resolveRetries: 3, timeoutResolve: '1s', holdValid: '10s' },
    ],
    httpErrors: [{ name: 'pages', errorfiles: [{ status: 503, file: files.errorfile }] }],
    caches: [{ name: 'small', totalMaxSize: 4, maxAge: 60 }],
    frontends: [
      {
        name: 'web',
        binds: [{ address: '127.0.0.1', port: 18443, ssl: { crt: [files.crt], alpn: ['h2', 'http/1.1'], minVersion: 'TLSv1.2' } }],
        errorfiles: 'pages',
        acls: [
          { name: 'host_app', criterion: 'hdr(host),field(1,:)', match: 'str', ignoreCase: true, values: ['app.example.org'] },
          { name: 'authed', criterion: 'http_auth(ops)' },
          { name: 'odd', criterion: 'path', values: ['/with space', "/it's", '-dash'] },
        ],
        httpRequest: [
          { action: 'auth', realm: 'Our realm', unless: 'authed' },
          { action: 'deny', status: 403, if: 'odd' },
          { action: 'cache-use', cache: 'small' },
          { action: 'set-header', name: 'X-Forwarded-Proto', value: 'https' },
        ],
        httpResponse: [{ action: 'cache-store', cache: 'small' }],
        httpAfterResponse: [{ action: 'set-header', name: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' }],
        useBackends: [{ backend: 'app', if: 'host_app' }],
        defaultBackend: 'fallback',
      },
    ],
    backends: [
      {
        name: 'app',
        balance: { algorithm: 'roundrobin' },
        httpCheck: { uri: '/health', headers: [{ name: 'Host', value: 'app.example.org' }], expect: { status: '200-399' } },
        defaultServer: { inter: '2s', fall: 3, rise: 2 },
        servers: [
          {
            name: 'a1',
            address: '127.0.0.2',
            port: 8443,
            check: true,
            ssl: { caFile: files.ca, sni: 'str(a1.internal)', verifyhost: 'a1.internal', alpn: ['http/1.1'], checkSni: 'a1.internal' },
          },
          {
            name: 'a2',
            address: 'localhost',
            port: 8443,
            initAddr: ['last', 'libc', 'none'],
            resolvers: 'dns',
            backup: true,
            ssl: { caFile: files.ca, sni: 'str(localhost)' },
          },
        ],
      },
      {
        name: 'fallback',
        servers: [{ name: 'legacy', address: '127.0.0.3', port: 8443, ssl: { verify: 'none', insecure: true } }],
      },
    ],
    listens: [
      {
        name: 'stats',
        binds: [{ address: '127.0.0.1', port: 18404 }],
        mode: 'http',
        stats: { uri: '/', refresh: '10s', realm: 'Stats', authUnless: '{ http_auth(ops) }' },
      },
      {
        name: 'db',
        from: 'tcpish',
        binds: [{ address: '127.0.0.1', port: 15432 }],
        servers: [{ name: 'pg', address: '127.0.0.4', port: 5432, check: true }],
      },
    ],
  };
}

export function writeFile(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
