/**
 * Typed HAProxy config without the rest of the stack: one HTTPS site, exact host routing, basic auth and a
 * re-encrypting, verifying backend. Prints haproxy.cfg; file paths are re-rooted under the optional argument.
 *
 *   npm run build && node dist/haproxy-only.js > haproxy.cfg && haproxy -c -f haproxy.cfg
 */
import { printHaproxyConfig } from '@chatops/haproxy-config';

const root = process.argv[2] ?? '';

const cfg = printHaproxyConfig({
  global: { log: [{ target: 'stdout', format: 'raw', facility: 'local0' }] },
  defaults: [{ mode: 'http', log: 'global', options: ['httplog'], timeouts: { connect: '5s', client: '30s', server: '30s' } }],
  userlists: [{ name: 'ops', users: [{ name: 'alice', password: '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy' }] }],
  frontends: [
    {
      name: 'https',
      binds: [
        {
          address: '127.0.0.1',
          port: 18443,
          ssl: { crt: [`${root}/etc/haproxy/certs/site.pem`], alpn: ['h2', 'http/1.1'], minVersion: 'TLSv1.2' },
        },
      ],
      acls: [
        // The whole host name, exactly: never a substring (`app.example.org.evil.test` does not match).
        { name: 'host_app', criterion: 'hdr(host),field(1,:)', match: 'str', ignoreCase: true, values: ['app.example.org'] },
        { name: 'auth_ok', criterion: 'http_auth(ops)' },
      ],
      httpRequest: [
        { action: 'return', status: 404, contentType: 'text/plain', string: 'Not found', unless: 'host_app' },
        { action: 'auth', realm: 'Ops', unless: 'auth_ok' },
      ],
      httpAfterResponse: [{ action: 'set-header', name: 'Strict-Transport-Security', value: 'max-age=63072000' }],
      useBackends: [{ backend: 'app', if: 'host_app' }],
    },
  ],
  backends: [
    {
      name: 'app',
      httpCheck: { uri: '/health', headers: [{ name: 'Host', value: 'app.example.org' }], expect: { status: '200' } },
      servers: [
        {
          name: 'app-1',
          address: '10.0.0.21',
          port: 8443,
          check: true,
          // Re-encrypt and verify: our CA, explicit SNI, the expected host name, explicit ALPN.
          ssl: { caFile: `${root}/etc/ssl/internal-ca.pem`, sni: 'str(app-1.internal)', verifyhost: 'app-1.internal', alpn: ['http/1.1'] },
        },
      ],
    },
  ],
});
process.stdout.write(cfg);
