import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer as createHttpServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { Artifact } from '@chatops/core';
import {
  type NodeSpec,
  caBundlePath,
  certificateId,
  chatopsInstances,
  clientCertificate,
  clientCertificateId,
  nodeFqdn,
  nodePath,
  nodeWithRole,
  nodesWithRole,
} from '@chatops/environment';
import { PkiStore } from '@chatops/pki';
import { pkiSettings, prepareRender, renderStack, type PreparedRender, writeArtifacts } from '@chatops/stack';
import { eventually, loopbackEnvironment, requireBinary, startProcess, tempDir, waitForPort } from '@chatops/testing';
import { SYSTEMD_DIR } from '../src/_common.js';
import { parseStunnelServices } from '../src/stunnel-config.js';
import { parseUnitFile, splitExecLine } from '@chatops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confined, expectedFacts, handOver, processFacts, serviceOf } from './_confine.js';

/**
 * End to end: the TLS terminators (stunnel4) rendered for cAdvisor and the ChatOps app instances, run for real
 * on 127.0.11.x with the rendered configs, certificates and keys, in front of plain-HTTP stand-ins on loopback.
 *
 * The whole stack is rendered through `@chatops/stack` (so every cross-check passes), written to disk and run
 * as rendered: the loopback environment gives each node its own `localAddress`, so the two app nodes' backend
 * ports (18080, 13000+ style, identical on every node) do not collide on one machine.
 *
 * Nothing of the rendered stunnel config is stripped: it already runs in the foreground (`foreground = yes`), has
 * no pid file (`pid =`) and no setuid/setgid/chroot (systemd's `User=`/`Group=` drop privileges on a node; the
 * test runs stunnel4 as the invoking user with the unit's own `ExecStart` arguments).
 */

const scratch = tempDir('units-tls-e2e-');
let ctx: PreparedRender;
let nodes: NodeSpec[];
let otherCa: string;
/**
 * Client certificates: Prometheus' and HAProxy's (ours, clientAuth), Grafana's (ours, but from a node neither
 * terminator lets in: checkHost), one from the other CA, and a server leaf of ours (serverAuth only).
 */
let clients: Record<'prometheus' | 'haproxy' | 'grafana' | 'otherCa' | 'serverLeaf', ClientCert>;

interface NodeSetup {
  readonly node: NodeSpec;
  readonly fqdn: string;
  /** Our CA as written on the node (what the test's clients trust). */
  readonly ca: string;
  readonly cadvisorBackend: number;
  readonly chatopsBase: number;
  /** The units' ExecStart argv (argv[0] is the binary the unit runs). */
  readonly cadvisorTls: string[];
  readonly chatopsTls: string[];
  /** The units' [Service] directives (the sandbox the test applies what it can of). */
  readonly cadvisorTlsService: Record<string, string[]>;
  readonly chatopsTlsService: Record<string, string[]>;
}
const setups = new Map<string, NodeSetup>();

function execStart(artifacts: readonly Artifact[], path: string): string[] {
  const unit = artifacts.find((a) => a.path === path);
  expect(unit, path).toBeDefined();
  const [line] = parseUnitFile(unit!.content, path).Service?.ExecStart ?? [];
  return splitExecLine(line ?? '').argv;
}

beforeAll(async () => {
  const loop = await loopbackEnvironment({ dir: scratch.path, subnet: 11, name: 'terminators' });
  ctx = await prepareRender(loop.file, { pkiDir: join(scratch.path, 'pki') });
  const { env } = ctx;
  nodes = nodesWithRole(env, 'chatops');
  // Another CA under the very same name: trusting it must not be enough.
  const monitoring = nodeWithRole(env, 'prometheus');
  const other = await new PkiStore(join(scratch.path, 'other-pki')).ensure(
    pkiSettings(env),
    [clientCertificate(env, monitoring, 'prometheus')],
    { persist: false },
  );
  otherCa = other.material.caCert;
  const pair = (c: { cert: string; key: string }) => ({ cert: c.cert, key: c.key });
  clients = {
    prometheus: pair(ctx.pki.leaf(clientCertificateId(monitoring, 'prometheus'))),
    haproxy: pair(ctx.pki.leaf(clientCertificateId(nodeWithRole(env, 'loadbalancer'), 'haproxy'))),
    grafana: pair(ctx.pki.leaf(clientCertificateId(nodeWithRole(env, 'grafana'), 'grafana'))),
    otherCa: pair(other.material.leaf(clientCertificateId(monitoring, 'prometheus'))),
    serverLeaf: pair(ctx.pki.leaf(certificateId(monitoring, 'prometheus'))),
  };
  expect(otherCa).not.toBe(ctx.pki.caCert);

  const stack = renderStack(ctx);
  for (const node of nodes) {
    const stackBundle = stack.bundles.get(node.name) ?? [];
    writeArtifacts(stackBundle);
    handOver(stackBundle, scratch.path);
    const stackCadvisor = parseStunnelServices(stackBundle.find((a) => a.path.endsWith('/cadvisor-tls.conf'))!.content);
    expect(stackCadvisor.cadvisor?.connect).toBe(`${node.localAddress}:${env.ports.cadvisorLocal}`);
    const stackChatops = parseStunnelServices(stackBundle.find((a) => a.path.endsWith('/chatops-tls.conf'))!.content);
    expect(stackChatops['chatops-1']?.connect).toBe(`${node.localAddress}:${env.ports.chatopsLocal}`);
    const local = stackBundle;
    const cadvisorTls = execStart(local, nodePath(env, node, `${SYSTEMD_DIR}/cadvisor-tls.service`));
    const chatopsTls = execStart(local, nodePath(env, node, `${SYSTEMD_DIR}/chatops-tls.service`));
    for (const argv of [cadvisorTls, chatopsTls]) {
      expect(argv[0]).toBe('/usr/bin/stunnel4');
      const conf = readFileSync(argv[1]!, 'utf8');
      // The process-management lines that let it run as is, in the foreground, with no root-only paths.
      expect(conf).toMatch(/^foreground = yes$/m);
      expect(conf).toMatch(/^pid = $/m);
      expect(conf).not.toMatch(/^(setuid|setgid|chroot|output)\s*=/m);
    }
    setups.set(node.name, {
      node,
      fqdn: nodeFqdn(env, node),
      ca: readFileSync(caBundlePath(ctx, node), 'utf8'),
      cadvisorBackend: env.ports.cadvisorLocal,
      chatopsBase: env.ports.chatopsLocal,
      cadvisorTls,
      chatopsTls,
      cadvisorTlsService: serviceOf(
        local.find((a) => a.path === nodePath(env, node, `${SYSTEMD_DIR}/cadvisor-tls.service`))?.content ?? '',
      ),
      chatopsTlsService: serviceOf(local.find((a) => a.path === nodePath(env, node, `${SYSTEMD_DIR}/chatops-tls.service`))?.content ?? ''),
    });
  }
  expect(nodes.map((n) => n.name)).toEqual(['chatops-1', 'chatops-2']);
  // Two app nodes side by side on one machine: their loopback backends differ by address, not by port.
  expect(new Set(nodes.map((n) => n.localAddress)).size).toBe(2);
});

afterAll(() => scratch[Symbol.dispose]());

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly protocol?: string | null;
  readonly peer?: string;
}

function collect(res: IncomingMessage, socket?: TLSSocket): Promise<Reply> {
  // Read the TLS facts while the socket is open.
  const protocol = socket?.getProtocol();
  const cn = socket?.getPeerCertificate().subject?.CN;
  const peer = cn === undefined ? undefined : String(cn);
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (body += c));
    res.on('error', reject);
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body, protocol, peer }));
  });
}

interface ClientCert {
  readonly cert: string;
  readonly key: string;
}

const pairOf = (c: ClientCert): ClientCert => ({ cert: c.cert, key: c.key });

/** One HTTPS request that trusts only `ca` and asks for `servername`, as Prometheus or HAProxy would (with `client`'s certificate when given). */
function httpsGet(host: string, port: number, path: string, servername: string, ca: string, client?: ClientCert): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host, port, path, servername, ca, ...client, agent: false, timeout: 10_000 }, (res) =>
      collect(res, res.socket as TLSSocket).then(resolve, reject),
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function httpGet(host: string, port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port, path, agent: false, timeout: 10_000 }, (res) => collect(res).then(resolve, reject));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** A plain-HTTP stand-in on the node's local address (what the terminator forwards to), counting what it serves. */
interface StandIn extends AsyncDisposable {
  readonly requests: string[];
}

async function standIn(host: string, port: number, handle: (path: string) => { status: number; body: string }): Promise<StandIn> {
  const requests: string[] = [];
  const server: Server = createHttpServer((req, res) => {
    requests.push(req.url ?? '');
    const { status, body } = handle(req.url ?? '');
    res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    requests,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const setup = (name: string) => setups.get(name)!;
/** The unit's own command line, with the binary `requireBinary` found, under what its sandbox allows here (`_confine.ts`). */
const stunnel = (argv: readonly string[], service: Record<string, string[]>) => {
  const { command, args } = confined(service, [requireBinary('stunnel4'), ...argv.slice(1)]);
  return startProcess(command, args);
};

describe('TLS terminators (real stunnel4) in front of loopback stand-ins', () => {
  it("cadvisor-tls serves each node's cAdvisor metrics over TLS, trusted only through our CA, to our client certificates from the Prometheus node only", async () => {
    requireBinary('stunnel4');
    const { env } = ctx;
    const [a, b] = [setup('chatops-1'), setup('chatops-2')];
    const metrics = (node: string) => () => ({ status: 200, body: `container_last_seen{name="chatops-1",node="${node}"} 1.7e9\n` });
    await using cadvisorA = await standIn(a.node.localAddress, a.cadvisorBackend, metrics(a.node.name));
    await using cadvisorB = await standIn(b.node.localAddress, b.cadvisorBackend, metrics(b.node.name));
    await using tlsA = stunnel(a.cadvisorTls, a.cadvisorTlsService);
    await using tlsB = stunnel(b.cadvisorTls, b.cadvisorTlsService);
    await waitForPort(a.node.address, env.ports.cadvisor, { process: tlsA, timeoutMs: 15_000 });
    await waitForPort(b.node.address, env.ports.cadvisor, { process: tlsB, timeoutMs: 15_000 });

    for (const [s, backend] of [
      [a, cadvisorA],
      [b, cadvisorB],
    ] as const) {
      const r = await httpsGet(s.node.address, env.ports.cadvisor, '/metrics', s.fqdn, s.ca, clients.prometheus);
      expect(r).toMatchObject({ status: 200, body: `container_last_seen{name="chatops-1",node="${s.node.name}"} 1.7e9\n`, peer: s.fqdn });
      expect(['TLSv1.2', 'TLSv1.3']).toContain(r.protocol);
      expect(backend.requests).toEqual(['/metrics']);
    }

    // A client that trusts another CA (same name, other key) refuses the chain the terminator sends (leaf + our CA).
    await expect(httpsGet(a.node.address, env.ports.cadvisor, '/metrics', a.fqdn, otherCa, clients.prometheus)).rejects.toMatchObject({
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    // Mutual TLS (verifyChain): no client certificate, one from another CA, or a server leaf of ours (no
    // clientAuth usage) never reach cAdvisor.
    for (const client of [undefined, clients.otherCa, clients.serverLeaf]) {
      await expect(httpsGet(a.node.address, env.ports.cadvisor, '/metrics', a.fqdn, a.ca, client)).rejects.toThrow();
    }
    // checkHost: a client leaf of ours from a node that does not scrape or probe cAdvisor (Grafana's) is refused too.
    await expect(httpsGet(a.node.address, env.ports.cadvisor, '/metrics', a.fqdn, a.ca, clients.grafana)).rejects.toThrow();
    await eventually(() => (/CERT: Subject checks failed/.test(tlsA.output()) ? true : undefined), {
      timeoutMs: 5_000,
      what: 'stunnel4 to log the refused subject (checkHost)',
    });
    // Plain HTTP to the TLS port gets no answer from cAdvisor.
    await expect(httpGet(a.node.address, env.ports.cadvisor, '/metrics')).rejects.toThrow();
    await eventually(() => (/SSL_accept: .*http request/.test(tlsA.output()) ? true : undefined), {
      timeoutMs: 5_000,
      what: 'stunnel4 to log the refused plain-HTTP request',
    });
    expect(cadvisorA.requests).toEqual(['/metrics']);
    expect(tlsA.child.exitCode).toBeNull();
    expect(tlsB.child.exitCode).toBeNull();
    // stunnel4 ran under what its unit's sandbox allows here: its user, no new privileges, no capabilities, / read-only.
    expect(processFacts(tlsA.child.pid ?? 0)).toEqual(expectedFacts(a.cadvisorTlsService));
  });

  it("chatops-tls serves each app instance on its own port, reaching that instance, health path included, to our client certificates from the nodes that call it only (HAProxy's, the blackbox exporter's, deploy's)", async () => {
    requireBinary('stunnel4');
    const { env } = ctx;
    const [a, b] = [setup('chatops-1'), setup('chatops-2')];
    const instances = chatopsInstances(env);
    expect(instances).toHaveLength(4);
    const app = (id: string) => (path: string) =>
      path === env.chatops.healthPath ? { status: 200, body: `healthy ${id}` } : { status: 404, body: `${id}: no ${path}` };
    // Each instance's stand-in answers with its own identity, on the loopback port its container would publish.
    const [i1, i2, i3, i4] = instances.map((i) => ({
      i,
      id: `${i.node.name}/${i.containerName}`,
      port: setup(i.node.name).chatopsBase + i.index - 1,
    }));
    // Four stand-ins and two terminators, all disposed (stunnel4 by pid) however the test ends.
    await using s1 = await standIn(i1!.i.node.localAddress, i1!.port, app(i1!.id));
    await using s2 = await standIn(i2!.i.node.localAddress, i2!.port, app(i2!.id));
    await using s3 = await standIn(i3!.i.node.localAddress, i3!.port, app(i3!.id));
    await using s4 = await standIn(i4!.i.node.localAddress, i4!.port, app(i4!.id));
    const backends = new Map([i1!.id, i2!.id, i3!.id, i4!.id].map((id, k) => [id, [s1, s2, s3, s4][k]!]));
    await using tlsA = stunnel(a.chatopsTls, a.chatopsTlsService);
    await using tlsB = stunnel(b.chatopsTls, b.chatopsTlsService);
    for (const { i } of [i1!, i2!, i3!, i4!])
      await waitForPort(i.node.address, i.port, { process: i.node === a.node ? tlsA : tlsB, timeoutMs: 15_000 });

    for (const { i, id } of [i1!, i2!, i3!, i4!]) {
      const s = setup(i.node.name);
      const health = await httpsGet(i.node.address, i.port, env.chatops.healthPath, s.fqdn, s.ca, clients.haproxy);
      expect(health, id).toMatchObject({ status: 200, body: `healthy ${id}`, peer: s.fqdn });
      const other = await httpsGet(i.node.address, i.port, '/slack/events', s.fqdn, s.ca, clients.haproxy);
      expect(other, id).toMatchObject({ status: 404, body: `${id}: no /slack/events` });
      expect(backends.get(id)!.requests, id).toEqual([env.chatops.healthPath, '/slack/events']);
    }

    await expect(httpsGet(a.node.address, i1!.i.port, env.chatops.healthPath, a.fqdn, otherCa, clients.haproxy)).rejects.toMatchObject({
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    // Mutual TLS (verifyChain): no client certificate, one from another CA, or a server leaf of ours (no clientAuth
    // usage) never reach an app instance.
    // checkHost: Grafana's client leaf (ours, from a node that does not call the app) and the other app node's are
    // refused as well.
    const otherAppNode = pairOf(ctx.pki.leaf(clientCertificateId(b.node, 'chatops')));
    for (const client of [undefined, clients.otherCa, clients.serverLeaf, clients.grafana, otherAppNode]) {
      await expect(httpsGet(a.node.address, i1!.i.port, env.chatops.healthPath, a.fqdn, a.ca, client)).rejects.toThrow();
    }
    await eventually(() => (/CERT: Subject checks failed/.test(tlsA.output()) ? true : undefined), {
      timeoutMs: 5_000,
      what: 'stunnel4 to log the refused subject (checkHost)',
    });
    // Deploy's rolling health check presents the app node's own client leaf (written for it by the renderer); the
    // blackbox exporter (on the Prometheus node) probes with its own.
    const deployProbe = pairOf(ctx.pki.leaf(clientCertificateId(a.node, 'chatops')));
    expect(await httpsGet(a.node.address, i1!.i.port, env.chatops.healthPath, a.fqdn, a.ca, deployProbe)).toMatchObject({ status: 200 });
    const blackbox = pairOf(ctx.pki.leaf(clientCertificateId(nodeWithRole(env, 'prometheus'), 'blackbox-exporter')));
    expect(await httpsGet(a.node.address, i1!.i.port, env.chatops.healthPath, a.fqdn, a.ca, blackbox)).toMatchObject({ status: 200 });
    await expect(httpGet(b.node.address, i4!.i.port, env.chatops.healthPath)).rejects.toThrow();
    await eventually(() => (/SSL_accept: .*http request/.test(tlsB.output()) ? true : undefined), {
      timeoutMs: 5_000,
      what: 'stunnel4 to log the refused plain-HTTP request',
    });
    // Only our client certificates from allowed nodes reached an app instance.
    expect(s1.requests).toHaveLength(4);
    expect(s4.requests).toHaveLength(2);
    expect(tlsA.child.exitCode).toBeNull();
    expect(tlsB.child.exitCode).toBeNull();
  });
});
