import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { type Server, createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import {
  type CertificateRequest,
  type Environment,
  type NodeSpec,
  chatopsInstances,
  clientCertificate,
  clientCertificateId,
  findNode,
  nodeFqdn,
  nodePath,
  nodeWithRole,
  nodesWithRole,
  serviceCertificate,
} from '@chatops/environment';
import { PkiStore } from '@chatops/pki';
import { pkiSettings, prepareRender, renderStack, writeArtifacts } from '@chatops/stack';
import {
  LOOPBACK_PASSWORDS,
  type RunningProcess,
  eventually,
  loopbackEnvironment,
  requireBinary,
  startProcess,
  tempDir,
  waitForPort,
} from '@chatops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}
interface Echo {
  readonly service: string;
  readonly server: string;
  readonly path: string;
  readonly headers: Record<string, string>;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = basic('admin', LOOPBACK_PASSWORDS.admin);
/** A second user whose edge hash is SHA-512-crypt (`users[].edgePasswordHash`), of the admin's password. */
const EDGE_USER = 'operator';
/** The loopback environment's bcrypt hash (cost 10) of LOOPBACK_PASSWORDS.admin. */
const ADMIN_BCRYPT = '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy';
let edgeHash: string;

const scratch = tempDir('haproxy-e2e-');
const running: { stop(): Promise<void> }[] = [];
let env: Environment;
let lb: NodeSpec;
let publicCa: string;
let internalCa: string;
let haproxy: RunningProcess;
const standIns = new Map<string, Server>();
let rogueCert: { key: string; cert: string };
/** Prometheus' client leaf (ours), another CA's client leaf, and one of our server leaves (serverAuth only). */
let metricsClients: Record<'prometheus' | 'otherCa' | 'serverLeaf', { key: string; cert: string }>;

/** One HTTPS request to HAProxy's public frontend, as a browser asking for `host` would send it. */
function get(host: string, path = '/', headers: Record<string, string> = {}, sni = host.split(':')[0]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: lb.address, port: env.ports.https, path, servername: sni, headers: { host, ...headers }, ca: publicCa, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Like `get`, from another loopback source address (HAProxy keeps per-address counters). */
function getFrom(from: string, host: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: lb.address,
        port: env.ports.https,
        path: '/',
        localAddress: from,
        servername: host,
        headers: { host, ...headers },
        ca: publicCa,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function getPlain(host: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: lb.address, port: env.ports.http, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function adminSocket(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(nodePath(env, lb, '/run/haproxy/admin.sock'));
    let out = '';
    socket.on('data', (c) => (out += c.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    socket.end(`${command}\n`);
  });
}

function listen(
  server: { listen(port: number, host: string, cb: () => void): unknown; once(e: 'error', cb: (e: Error) => void): unknown },
  host: string,
  port: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
}

/** A stand-in for a service: HTTPS with a certificate for its node, echoing what it received. */
async function standIn(
  service: string,
  server: string,
  node: NodeSpec,
  port: number,
  pem: { key: string; cert: string },
  needsAuth: boolean,
) {
  const s = createHttpsServer({ key: pem.key, cert: pem.cert }, (req, res) => {
    if (needsAuth && !req.headers.authorization) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="stand-in"' }).end();
      return;
    }
    const echo: Echo = { service, server, path: req.url ?? '', headers: req.headers as Record<string, string> };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(echo));
  });
  s.keepAliveTimeout = 500;
  await listen(s, node.address, port);
  standIns.set(server, s);
  running.push({ stop: () => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r()))) });
}

beforeAll(async () => {
  const binary = requireBinary('haproxy');
  const openssl = requireBinary('openssl');
  edgeHash = execFileSync(openssl, ['passwd', '-6', '-salt', 'e2eSaltForEdge01', LOOPBACK_PASSWORDS.admin], { encoding: 'utf8' }).trim();
  const loop = await loopbackEnvironment({
    dir: scratch.path,
    subnet: 3,
    name: 'edge',
    overrides: {
      users: [
        { name: 'admin', passwordHash: ADMIN_BCRYPT },
        { name: EDGE_USER, passwordHash: ADMIN_BCRYPT, edgePasswordHash: edgeHash },
      ],
    },
  });
  const pkiDir = join(scratch.path, 'pki');
  const ctx = await prepareRender(loop.file, { pkiDir });
  env = ctx.env;
  lb = findNode(env, 'lb-1');
  publicCa = ctx.pki.publicCert.cert;
  internalCa = ctx.pki.caCert;

  // Materialize the load balancer's real files (config, bundles, CA) where the config names them.
  const stack = renderStack(ctx);
  writeArtifacts(stack.bundles.get('lb-1') ?? []);
  mkdirSync(nodePath(env, lb, '/var/lib/haproxy'), { recursive: true });
  mkdirSync(nodePath(env, lb, '/run/haproxy'), { recursive: true });

  // Certificates of the stand-in services, from the same CA (the services' own renderers request the same ids).
  const wanted: [string, NodeSpec, number, boolean][] = [
    ...chatopsInstances(env).map((i): [string, NodeSpec, number, boolean] => ['chatops', i.node, i.port, false]),
    ...nodesWithRole(env, 'grafana').map((n): [string, NodeSpec, number, boolean] => ['grafana', n, env.ports.grafana, false]),
    ...nodesWithRole(env, 'prometheus').map((n): [string, NodeSpec, number, boolean] => ['prometheus', n, env.ports.prometheus, true]),
    ...nodesWithRole(env, 'alertmanager').map((n): [string, NodeSpec, number, boolean] => [
      'alertmanager',
      n,
      env.ports.alertmanager,
      true,
    ]),
    ...nodesWithRole(env, 'kibana').map((n): [string, NodeSpec, number, boolean] => ['kibana', n, env.ports.kibana, false]),
  ];
  const requests = new Map<string, CertificateRequest>();
  for (const [service, node] of wanted) {
    const r = serviceCertificate(env, node, service as 'chatops');
    requests.set(r.id, r);
  }
  const ours = await new PkiStore(pkiDir).ensure(pkiSettings(env), [...requests.values()], { persist: false });
  expect(ours.material.caCert).toBe(internalCa);
  const rogue = await new PkiStore(join(scratch.path, 'rogue-pki')).ensure({ ...pkiSettings(env), caCommonName: 'Rogue CA' }, [
    serviceCertificate(env, nodesWithRole(env, 'alertmanager')[0]!, 'alertmanager'),
  ]);
  const rogueLeaf = rogue.material.leaf(`${nodesWithRole(env, 'alertmanager')[0]!.name}/alertmanager`);
  rogueCert = { key: rogueLeaf.key, cert: rogueLeaf.cert + rogueLeaf.chain };
  const prometheusNode = nodeWithRole(env, 'prometheus');
  const rogueClient = (
    await new PkiStore(join(scratch.path, 'rogue-client-pki')).ensure(
      { ...pkiSettings(env), caCommonName: 'Rogue CA' },
      [clientCertificate(env, prometheusNode, 'prometheus')],
      { persist: false },
    )
  ).material.leaf(clientCertificateId(prometheusNode, 'prometheus'));
  const pair = (l: { key: string; cert: string; chain: string }) => ({ key: l.key, cert: l.cert + l.chain });
  metricsClients = {
    prometheus: pair(ctx.pki.leaf(clientCertificateId(prometheusNode, 'prometheus'))),
    otherCa: pair(rogueClient),
    serverLeaf: pair(ctx.pki.leaf(`${prometheusNode.name}/prometheus`)),
  };

  const instances = chatopsInstances(env);
  for (const [service, node, port, needsAuth] of wanted) {
    const leaf = ours.material.leaf(`${node.name}/${service}`);
    const name =
      service === 'chatops'
        ? `${node.name}-${instances.find((i) => i.node === node && i.port === port)?.index}`
        : `${service}@${node.name}`;
    await standIn(service, name, node, port, { key: leaf.key, cert: leaf.cert + leaf.chain }, needsAuth);
  }
  const certbot = createHttpServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`certbot ${req.url}`));
  await listen(certbot, lb.localAddress, env.ports.certbot);
  running.push({ stop: () => new Promise<void>((r) => (certbot.closeAllConnections(), certbot.close(() => r()))) });

  haproxy = startProcess(binary, ['-db', '-f', nodePath(env, lb, '/etc/haproxy/haproxy.cfg')]);
  running.push(haproxy);
  await waitForPort(lb.address, env.ports.https, { process: haproxy });
  await waitForPort(lb.address, env.ports.haproxyMetrics, { process: haproxy });
}, 180_000);

afterAll(async () => {
  for (const r of running.reverse()) await r.stop();
  scratch[Symbol.dispose]();
});

const echo = (r: Reply): Echo => JSON.parse(r.body) as Echo;

describe('HAProxy edge on loopback', () => {
  it('routes each sub-domain to its own backend, by the whole host name', async () => {
    const d = env.domain;
    for (const service of ['chatops', 'prometheus', 'alertmanager', 'kibana']) {
      const r = await get(`${service}.${d}`, '/x', { authorization: ADMIN });
      expect(r.status, service).toBe(200);
      expect(echo(r).service).toBe(service);
    }
    expect(echo(await get(`grafana.${d}`)).service).toBe('grafana');
    expect(echo(await get(d, '/', { authorization: ADMIN })).service).toBe('chatops');
    // Case and an explicit port do not matter; anything else does.
    expect(echo(await get(`GRAFANA.${d.toUpperCase()}`)).service).toBe('grafana');
    expect(echo(await get(`grafana.${d}:${env.ports.https}`)).service).toBe('grafana');
    for (const host of [`grafana.${d}.evil.test`, `evil-grafana.${d}`, `unknown.${d}`, 'example.org', `grafana.${d}.`]) {
      // TLS to a name our certificate covers; the Host header is what decides the route.
      const r = await get(host, '/', { authorization: ADMIN }, `grafana.${d}`);
      expect(r.status, host).toBe(404);
      expect(r.body, host).not.toContain('"service"');
    }
  });

  it('asks for credentials on every route but Grafana, stats included', async () => {
    const d = env.domain;
    const routes: [string, string][] = [
      [`chatops.${d}`, '/'],
      [`prometheus.${d}`, '/'],
      [`alertmanager.${d}`, '/'],
      [`kibana.${d}`, '/'],
      [d, '/'],
      [d, '/stats'],
    ];
    for (const [host, path] of routes) {
      const anonymous = await get(host, path);
      expect(anonymous.status, `${host}${path}`).toBe(401);
      expect(anonymous.headers['www-authenticate'], `${host}${path}`).toBe('Basic realm="ChatOps"');
      expect((await get(host, path, { authorization: basic('admin', 'wrong') })).status, `${host}${path}`).toBe(401);
      expect((await get(host, path, { authorization: ADMIN })).status, `${host}${path}`).toBe(200);
    }
    const stats = await get(d, '/stats', { authorization: ADMIN });
    expect(stats.body).toContain('Statistics Report');
    expect((await get(`grafana.${d}`)).status).toBe(200);
  });

  it("checks a user's edgePasswordHash (SHA-512-crypt) instead of the bcrypt hash: the right password passes, a wrong one gets 401", async () => {
    const cfg = readFileSync(nodePath(env, lb, '/etc/haproxy/haproxy.cfg'), 'utf8');
    expect(cfg).toContain(`user ${EDGE_USER} password ${edgeHash}\n`);
    expect(cfg).toContain(`user admin password ${ADMIN_BCRYPT}\n`);
    const host = `prometheus.${env.domain}`;
    const ok = await get(host, '/', { authorization: basic(EDGE_USER, LOOPBACK_PASSWORDS.admin) });
    expect(ok.status).toBe(200);
    expect(echo(ok).service).toBe('prometheus');
    expect((await get(host, '/', { authorization: basic(EDGE_USER, 'wrong') })).status).toBe(401);
  });

  it('forwards credentials only to the services that check them, and sets X-Forwarded-*', async () => {
    const d = env.domain;
    expect(echo(await get(`prometheus.${d}`, '/', { authorization: ADMIN })).headers.authorization).toBe(ADMIN);
    expect(echo(await get(`alertmanager.${d}`, '/', { authorization: ADMIN })).headers.authorization).toBe(ADMIN);
    expect(echo(await get(`chatops.${d}`, '/', { authorization: ADMIN })).headers.authorization).toBeUndefined();
    expect(echo(await get(`kibana.${d}`, '/', { authorization: ADMIN })).headers.authorization).toBeUndefined();
    const h = echo(await get(`grafana.${d}`, '/', { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'http' })).headers;
    expect(h['x-forwarded-proto']).toBe('https');
    expect(h['x-forwarded-port']).toBe(String(env.ports.https));
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('sends HSTS on every HTTPS answer', async () => {
    const d = env.domain;
    for (const r of [await get(`grafana.${d}`), await get(`chatops.${d}`), await get(`evil.${d}`)]) {
      expect(r.headers['strict-transport-security']).toBe('max-age=63072000');
    }
  });

  it('redirects HTTP to HTTPS, except the ACME challenge path (local certbot)', async () => {
    const d = env.domain;
    const r = await getPlain(`grafana.${d}`, '/login?x=1');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`https://grafana.${d}:${env.ports.https}/login?x=1`);
    const acme = await getPlain(d, '/.well-known/acme-challenge/token-123');
    expect(acme.status).toBe(200);
    expect(acme.body).toBe('certbot /.well-known/acme-challenge/token-123');
  });

  it("serves Prometheus metrics on the node address with our CA, Prometheus' client certificate (mutual TLS) and the service account", async () => {
    const prometheusAuth = basic(env.serviceAccounts.prometheus.name, LOOPBACK_PASSWORDS.prometheus);
    const fetchMetrics = (client: { key: string; cert: string } | undefined, authorization?: string) =>
      new Promise<Reply>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: lb.address,
            port: env.ports.haproxyMetrics,
            path: '/metrics',
            servername: nodeFqdn(env, lb),
            ca: internalCa,
            ...client,
            agent: false,
            headers: authorization ? { authorization } : {},
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    // The bind asks for a client certificate from our CA: without one, with another CA's, or with one of our
    // server leaves (no clientAuth usage), HAProxy ends the handshake before any HTTP (even with the password).
    const refused = async (client?: { key: string; cert: string }) =>
      fetchMetrics(client, prometheusAuth).then(
        (r) => `answered ${r.status}`,
        () => 'refused',
      );
    expect({
      none: await refused(),
      otherCa: await refused(metricsClients.otherCa),
      serverLeaf: await refused(metricsClients.serverLeaf),
    }).toEqual({ none: 'refused', otherCa: 'refused', serverLeaf: 'refused' });
    // Prometheus' client certificate gets through the handshake; then basic auth still applies.
    expect((await fetchMetrics(metricsClients.prometheus)).status).toBe(401);
    expect((await fetchMetrics(metricsClients.prometheus, ADMIN)).status).toBe(401);
    const ok = await fetchMetrics(metricsClients.prometheus, prometheusAuth);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('haproxy_process_');
    expect(await adminSocket('show info')).toContain('Name: HAProxy');
  });

  it('spreads ChatOps over every instance; health checks take out a stopped one and a backend with another CA gets 503', async () => {
    const d = env.domain;
    const servers = chatopsInstances(env).map((i) => `${i.node.name}-${i.index}`);
    const seen = new Set<string>();
    for (let i = 0; i < servers.length * 3; i++) seen.add(echo(await get(`chatops.${d}`, '/', { authorization: ADMIN })).server);
    expect([...seen].sort()).toEqual([...servers].sort());

    const victim = servers[servers.length - 1]!;
    const stopped = standIns.get(victim)!;
    await new Promise<void>((r) => (stopped.closeAllConnections(), stopped.close(() => r())));
    const alertmanager = [...standIns.entries()].find(([name]) => name.startsWith('alertmanager@'))![1];
    alertmanager.setSecureContext(rogueCert);
    alertmanager.closeAllConnections();

    await eventually(
      async () => {
        const stat = await adminSocket('show stat');
        const row = stat.split('\n').find((l) => l.startsWith(`chatops,${victim},`));
        return row?.includes(',DOWN,') ? row : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 500, what: `${victim} marked DOWN` },
    );
    for (let i = 0; i < servers.length * 2; i++) {
      const r = await get(`chatops.${d}`, '/', { authorization: ADMIN });
      expect(r.status).toBe(200);
      expect(echo(r).server).not.toBe(victim);
    }
    await eventually(async () => ((await get(`alertmanager.${d}`, '/', { authorization: ADMIN })).status === 503 ? true : undefined), {
      timeoutMs: 40_000,
      intervalMs: 500,
      what: 'alertmanager with a foreign certificate answering 503',
    });
  }, 120_000);

  it('answers 429, without checking the password, to an address sending over 20 requests a minute without valid credentials', async () => {
    const d = env.domain;
    const from = '127.0.0.99';
    const statuses: number[] = [];
    // Guesses at the SHA-512-crypt user: each wrong password HAProxy still checks costs ~1/30 of a bcrypt (a loaded
    // machine took over a minute for 20 bcrypt checks).
    for (let i = 0; i < 25; i++)
      statuses.push((await getFrom(from, `prometheus.${d}`, { authorization: basic(EDGE_USER, `guess-${i}`) })).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.at(-1)).toBe(429);
    // Locked out while the rate stays high, even with the right password; Grafana (its own sign-in) and other
    // addresses are not.
    expect((await getFrom(from, `prometheus.${d}`, { authorization: ADMIN })).status).toBe(429);
    expect((await getFrom(from, `grafana.${d}`)).status).toBe(200);
    expect((await get(`prometheus.${d}`, '/', { authorization: ADMIN })).status).toBe(200);
    // Requests that carry no credentials at all cost no bcrypt and are not counted: the blackbox exporter probes
    // every public host unauthenticated (a 401 is its success) many times a minute.
    const prober = '127.0.0.98';
    const anonymous: number[] = [];
    for (let i = 0; i < 25; i++) anonymous.push((await getFrom(prober, `prometheus.${d}`)).status);
    expect(anonymous).toEqual(Array(25).fill(401));
  });
});
