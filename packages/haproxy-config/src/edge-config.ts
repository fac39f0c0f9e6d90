import { type Environment, type NodeSpec, nodeFqdn, nodePath, publicHost, publicRoutes } from '@chatops/environment';
import type { HaproxyConfigInput } from './haproxy-config.js';
import type { ServerInput } from './model-endpoints.js';

/** Mozilla "intermediate" TLS profile, guidelines 6.0: TLS 1.2 ECDHE ciphers only (no finite-field DHE); TLS 1.3 suites. */
export const MOZILLA_INTERMEDIATE = {
  ciphers:
    'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:' +
    'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305',
  ciphersuites: 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256',
  /** ECDHE groups, in preference order. */
  curves: 'X25519:prime256v1:secp384r1',
  minVersion: 'TLSv1.2',
} as const;

/** HSTS value sent on every HTTPS response (two years, as Mozilla recommends). */
export const HSTS = 'max-age=63072000';

/** The HSTS header value for an environment (`tls.hsts.includeSubDomains`). */
export function hstsValue(env: Environment): string {
  return env.tls.hsts.includeSubDomains ? `${HSTS}; includeSubDomains` : HSTS;
}

/** Name of the `https` frontend's stick table key counter that counts failed authentications per client address. */
const AUTH_FAILURES_COUNTER = 0;

/** Name of the userlist holding `env.users` (every route but Grafana) and of the metrics one. */
export const USERS_LIST = 'users';
export const METRICS_LIST = 'metrics';

export interface EdgeProps {
  /** HAProxy PEM bundle (certificate, key, chain) of the public domain. @default nodePath('/etc/haproxy/certs/<domain>.pem') */
  readonly publicCertFile?: string;
  /** PEM bundle of the load balancer's own leaf from our CA (metrics endpoint). @default nodePath('/etc/haproxy/certs/internal.pem') */
  readonly internalCertFile?: string;
  /** Our CA bundle every backend certificate must chain to. @default nodePath('/etc/chatops/tls/ca.pem') */
  readonly caFile?: string;
  /**
   * PEM bundle of the load balancer's client leaf from our CA (clientAuth only), presented to every backend that
   * asks for one (mutual TLS: Prometheus), health checks included. @default none (no client certificate)
   */
  readonly clientCertFile?: string;
  /** Runtime API socket. @default nodePath('/run/haproxy/admin.sock') */
  readonly adminSocket?: string;
  /** Address the public :80/:443 frontends bind. @default the node's address */
  readonly publicAddress?: string;
  /** Health-check interval. @default '5s' */
  readonly checkInterval?: string;
  /**
   * Concurrent connections HAProxy accepts in all (beyond it, new connections queue in the kernel). Without it
   * the file-descriptor limit decides (~260k under systemd), far past what the backends can serve.
   * HAProxy needs about two file descriptors per connection, so keep it under half of LimitNOFILE.
   * @default 4096
   */
  readonly maxconn?: number;
  /**
   * Requests with wrong credentials (failed basic auth; none at all is not counted) one client address may make per minute on
   * the authenticated routes; beyond it HAProxy answers 429 without checking the password (each check is a bcrypt:
   * CPU, and guesses). Browsers ask once per host and then send the credentials with every request.
   * @default 20
   */
  readonly authFailuresPerMinute?: number;
}

/** One server of an edge backend: the service HAProxy re-encrypts to, on which node and port. */
export interface EdgeUpstream {
  readonly backend: string;
  readonly server: string;
  readonly node: NodeSpec;
  readonly port: number;
}

/** Every server the edge's backends send traffic to (each must present a certificate from our CA for its node). */
export function edgeUpstreams(env: Environment): EdgeUpstream[] {
  return routes(env).flatMap((r) => r.servers.map((s) => ({ backend: r.name, server: s.name, node: s.node, port: s.port })));
}

/** The routes of the public edge: the `route` facts of the environment's catalogue. */
function routes(env: Environment) {
  return publicRoutes(env).map((r) => ({
    ...r,
    name: r.subdomain,
    stripAuthorization: r.stripAuthorization ?? false,
    balance: r.balance ?? 'roundrobin',
  }));
}

function reencrypt(env: Environment, node: NodeSpec, caFile: string, clientCertFile: string | undefined): NonNullable<ServerInput['ssl']> {
  const fqdn = nodeFqdn(env, node);
  return {
    verify: 'required',
    caFile,
    ...(clientCertFile ? { crt: clientCertFile } : {}),
    sni: `str(${fqdn})`,
    verifyhost: fqdn,
    alpn: ['http/1.1'],
    checkSni: fqdn,
    checkAlpn: ['http/1.1'],
  };
}

/**
 * The stack's edge as a native HAProxy model: `:80` redirects to HTTPS except the ACME http-01 path (to the
 * local certbot); `:443` terminates TLS with the public certificate and routes by the whole host name to
 * backends that re-encrypt to each service with our CA; every route but Grafana needs basic auth; the stats page
 * is at `<domain>/stats`; the Prometheus exporter listens on the node's address with our CA's leaf, requires a
 * client certificate from our CA (mutual TLS) and the Prometheus service account's basic auth.
 */
export function buildEdgeConfig(env: Environment, node: NodeSpec, props: EdgeProps = {}): HaproxyConfigInput {
  const p = (path: string) => nodePath(env, node, path);
  const publicCertFile = props.publicCertFile ?? p(`/etc/haproxy/certs/${env.domain}.pem`);
  const internalCertFile = props.internalCertFile ?? p('/etc/haproxy/certs/internal.pem');
  const caFile = props.caFile ?? p('/etc/chatops/tls/ca.pem');
  const adminSocket = props.adminSocket ?? p('/run/haproxy/admin.sock');
  const publicAddress = props.publicAddress ?? node.address;
  const inter = props.checkInterval ?? '5s';
  const authLimit = props.authFailuresPerMinute ?? 20;
  const all = routes(env);

  const hostAcl = (name: string, host: string) => ({
    name,
    criterion: 'hdr(host),field(1,:)',
    match: 'str' as const,
    ignoreCase: true,
    values: [host],
  });
  const httpsPort = env.ports.https;
  const redirect =
    httpsPort === 443
      ? { action: 'redirect' as const, scheme: 'https' as const, code: 301 as const, unless: 'acme' }
      : {
          action: 'redirect' as const,
          location: `https://%[hdr(host),field(1,:)]:${httpsPort}%[capture.req.uri]`,
          code: 301 as const,
          unless: 'acme',
        };

  const known = [...all.map((r) => `host_${r.name}`), 'host_domain'].join(' || ');
  const noAuth = all.filter((r) => !r.auth).map((r) => `host_${r.name}`);

  const backends: HaproxyConfigInput['backends'] = all.map((r): NonNullable<HaproxyConfigInput['backends']>[number] => ({
    name: r.name,
    balance: { algorithm: r.balance },
    httpCheck: { uri: r.healthPath, headers: [{ name: 'Host', value: publicHost(env, r.name) }], expect: r.expect },
    httpRequest: r.stripAuthorization ? [{ action: 'del-header', name: 'Authorization' }] : [],
    ...(r.timeoutServer ? { timeouts: { server: r.timeoutServer } } : {}),
    defaultServer: { inter, fall: 3, rise: 2 },
    servers: r.servers.map((s) => ({
      name: s.name,
      address: s.node.address,
      port: s.port,
      ssl: reencrypt(env, s.node, caFile, props.clientCertFile),
      check: true,
    })),
  }));

  return {
    header: [`HAProxy for ${env.name} (${env.domain}) on ${node.name}. Rendered by @chatops/haproxy-config: do not edit.`],
    global: {
      // stdout is captured by journald (haproxy.service), unaffected by the chroot and needs no rsyslog; Filebeat
      // reads it from the journal and Logstash parses the bare line with HAPROXYHTTPBASE.
      log: [{ target: 'stdout', format: 'raw', facility: 'local0' }],
      chroot: p('/var/lib/haproxy'),
      user: 'haproxy',
      group: 'haproxy',
      maxconn: props.maxconn ?? 4096,
      // root:haproxy 0660: a non-root deploy login in the haproxy group can drain servers (README "Deploy").
      statsSockets: [{ path: adminSocket, mode: '660', group: 'haproxy', level: 'admin', exposeFdListeners: true }],
      statsTimeout: '30s',
      sslDefaultBindCiphers: MOZILLA_INTERMEDIATE.ciphers,
      sslDefaultBindCiphersuites: MOZILLA_INTERMEDIATE.ciphersuites,
      sslDefaultBindOptions: ['prefer-client-ciphers', `ssl-min-ver ${MOZILLA_INTERMEDIATE.minVersion}`, 'no-tls-tickets'],
      sslDefaultServerCiphers: MOZILLA_INTERMEDIATE.ciphers,
      sslDefaultServerCiphersuites: MOZILLA_INTERMEDIATE.ciphersuites,
      sslDefaultServerOptions: [`ssl-min-ver ${MOZILLA_INTERMEDIATE.minVersion}`, 'no-tls-tickets'],
      sslServerVerify: 'required',
    },
    defaults: [
      {
        mode: 'http',
        log: 'global',
        options: ['httplog', 'dontlognull', 'redispatch'],
        retries: 3,
        timeouts: {
          connect: '5s',
          client: '30s',
          server: '30s',
          'http-request': '10s',
          'http-keep-alive': '10s',
          check: '5s',
          tunnel: '1h',
        },
      },
    ],
    userlists: [
      // The edge's own SHA-512-crypt hash where the user gives one (checked on every request: bcrypt costs a
      // core ~70 ms each), else the bcrypt hash Prometheus and Alertmanager check too.
      { name: USERS_LIST, users: env.users.map((u) => ({ name: u.name, password: u.edgePasswordHash ?? u.passwordHash })) },
      { name: METRICS_LIST, users: [{ name: env.serviceAccounts.prometheus.name, password: env.serviceAccounts.prometheus.passwordHash }] },
    ],
    frontends: [
      {
        name: 'http',
        binds: [{ address: publicAddress, port: env.ports.http }],
        acls: [{ name: 'acme', criterion: 'path_beg', values: ['/.well-known/acme-challenge/'] }],
        httpRequest: [redirect],
        useBackends: [{ backend: 'certbot', if: 'acme' }],
      },
      {
        name: 'https',
        binds: [
          {
            address: publicAddress,
            port: httpsPort,
            ssl: {
              crt: [publicCertFile],
              alpn: ['h2', 'http/1.1'],
              minVersion: MOZILLA_INTERMEDIATE.minVersion,
              ciphers: MOZILLA_INTERMEDIATE.ciphers,
              ciphersuites: MOZILLA_INTERMEDIATE.ciphersuites,
              curves: MOZILLA_INTERMEDIATE.curves,
            },
          },
        ],
        options: ['forwardfor'],
        // One entry per client address: the rate of its requests with wrong credentials.
        stickTable: { type: 'ipv6', size: '100k', expire: '10m', store: ['gpc0_rate(1m)'] },
        acls: [
          ...all.map((r) => hostAcl(`host_${r.name}`, publicHost(env, r.name))),
          hostAcl('host_domain', publicHost(env)),
          { name: 'path_stats', criterion: 'path,field(1,;)', match: 'str', values: ['/stats'] },
          { name: 'auth_ok', criterion: `http_auth(${USERS_LIST})` },
          { name: 'has_credentials', criterion: 'req.hdr(authorization)', match: 'found' },
          { name: 'auth_flood', criterion: `sc${AUTH_FAILURES_COUNTER}_gpc0_rate`, match: 'int', values: ['gt', String(authLimit)] },
        ],
        httpRequest: [
          // Only our exact host names are served: grafana.<domain>.evil.test or evil-grafana.<domain> get 404.
          { action: 'return', status: 404, contentType: 'text/plain', string: 'Not found', unless: known },
          // Too many requests with wrong credentials from one address: 429 before any bcrypt is computed.
          { action: 'track-sc', counter: AUTH_FAILURES_COUNTER, key: 'src' },
          { action: 'deny', status: 429, if: ['auth_flood', ...noAuth.map((a) => `!${a}`)].join(' ') },
          // Only credentials that fail count (a request without any costs no bcrypt: the blackbox exporter's
          // probes and a browser's first request get their 401 without using up the address's allowance).
          {
            action: 'sc-inc-gpc0',
            counter: AUTH_FAILURES_COUNTER,
            if: ['has_credentials', '!auth_ok', ...noAuth.map((a) => `!${a}`)].join(' '),
          },
          { action: 'auth', realm: 'ChatOps', unless: [...noAuth, 'auth_ok'].join(' || ') },
          // Forwarded headers are ours alone: drop whatever the client sent (option forwardfor adds X-Forwarded-For).
          { action: 'del-header', name: 'X-Forwarded-For' },
          { action: 'set-header', name: 'X-Forwarded-Proto', value: 'https' },
          { action: 'set-header', name: 'X-Forwarded-Port', value: '%[dst_port]' },
        ],
        httpAfterResponse: [{ action: 'set-header', name: 'Strict-Transport-Security', value: hstsValue(env) }],
        useBackends: [
          { backend: 'stats', if: 'host_domain path_stats' },
          ...all.map((r) => ({ backend: r.name, if: r.bareDomain ? `host_${r.name} || host_domain` : `host_${r.name}` })),
        ],
      },
      {
        name: 'metrics',
        binds: [
          {
            address: node.address,
            port: env.ports.haproxyMetrics,
            // Mutual TLS: only a client certificate from our CA (Prometheus' scrape) completes the handshake; then
            // basic auth.
            ssl: {
              crt: [internalCertFile],
              alpn: ['http/1.1'],
              minVersion: MOZILLA_INTERMEDIATE.minVersion,
              caFile,
              verify: 'required',
            },
          },
        ],
        acls: [
          { name: 'metrics_auth', criterion: `http_auth(${METRICS_LIST})` },
          { name: 'path_metrics', criterion: 'path', match: 'str', values: ['/metrics'] },
        ],
        httpRequest: [
          { action: 'auth', realm: 'metrics', unless: 'metrics_auth' },
          { action: 'use-service', service: 'prometheus-exporter', if: 'path_metrics' },
          { action: 'return', status: 404, contentType: 'text/plain', string: 'Not found' },
        ],
      },
    ],
    backends: [
      ...backends,
      {
        name: 'stats',
        stats: {
          uri: '/stats',
          realm: 'ChatOps',
          refresh: '10s',
          showLegends: true,
          hideVersion: true,
          authUnless: `{ http_auth(${USERS_LIST}) }`,
        },
      },
      {
        name: 'certbot',
        // certbot's standalone server speaks plain HTTP on the node's loopback only.
        servers: [{ name: 'certbot', address: node.localAddress, port: env.ports.certbot }],
      },
    ],
  };
}
