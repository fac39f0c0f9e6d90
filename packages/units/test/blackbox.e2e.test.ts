import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { request } from 'node:https';
import { join } from 'node:path';
import { certificateId, clientCertificateId, nodePath, nodeWithRole, probeTargets } from '@chatops/environment';
import { PROMETHEUS_PATHS, renderPrometheus } from '@chatops/prometheus-rules';
import { prepareRender, renderStack, writeArtifacts } from '@chatops/stack';
import { LOOPBACK_PASSWORDS, eventually, loopbackEnvironment, requireBinary, startProcess, tempDir, waitForPort } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { confined, expectedFacts, handOver, processFacts, serviceOf } from './_confine.js';

/** GET over TLS trusting our CA, with the Prometheus service account (and `client`'s certificate when given). */
function get(url: string, ca: string, client?: { cert: string; key: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const auth = Buffer.from(`prometheus:${LOOPBACK_PASSWORDS.prometheus}`).toString('base64');
    request(url, { ca, ...client, headers: { authorization: `Basic ${auth}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url}: ${res.statusCode} ${body}`))));
    })
      .on('error', reject)
      .end();
  });
}

function args(defaultsFile: string): string[] {
  const line = /^ARGS="(.*)"$/m.exec(readFileSync(defaultsFile, 'utf8'))?.[1];
  if (line === undefined) throw new Error(`no ARGS in ${defaultsFile}`);
  return line.split(' ');
}

/** A TLS endpoint on loopback answering every request with `status`. */
async function tlsEndpoint(
  host: string,
  port: number,
  cert: { cert: string; key: string; chain: string },
  status: number,
): Promise<AsyncDisposable> {
  const server = createServer({ cert: cert.cert + cert.chain, key: cert.key }, (_req, res) => res.writeHead(status).end());
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('blackbox exporter on loopback', () => {
  it('probes an internal endpoint whose certificate expires in days and the public chain through the edge; Prometheus fires CertificateExpiresSoon', async () => {
    const blackboxBin = requireBinary('prometheus-blackbox-exporter');
    const prometheusBin = requireBinary('prometheus');
    using dir = tempDir('blackbox-e2e-');
    const loop = await loopbackEnvironment({
      dir: dir.path,
      subnet: 7,
      chatopsNodes: 1,
      overrides: {
        // Every internal certificate expires in 5 days: critical (< 7) and warning (< 21) alike.
        tls: { public: { mode: 'self-signed' }, internal: { commonName: 'Loopback test CA', leafValidityDays: 5, renewBeforeDays: 1 } },
        prometheus: { scrapeInterval: '1s', evaluationInterval: '1s' },
      },
    });
    const ctx = await prepareRender(loop.file, { pkiDir: join(dir.path, 'pki') });
    const { env } = ctx;
    const monitoring = nodeWithRole(env, 'prometheus');
    const { bundles } = renderStack(ctx);
    const bundle = bundles.get(monitoring.name) ?? [];
    writeArtifacts(bundle);
    handOver(bundle, dir.path);
    writeArtifacts(renderPrometheus(monitoring, ctx, { rules: { for: '0s' } }).artifacts);

    // The probed endpoints: chatops-1's node exporter (our CA, 5 days left) and the edge (the self-signed public
    // certificate; the edge asks for credentials, as HAProxy does).
    const app = nodeWithRole(env, 'chatops');
    const internal = probeTargets(env).find((t) => t.node.name === app.name && t.service === 'node-exporter');
    const edge = probeTargets(env).find((t) => t.job === 'probe-public' && t.proxy === 'grafana');
    if (!internal || !edge) throw new Error('no probe targets');
    const lb = nodeWithRole(env, 'loadbalancer');
    await using _internal = await tlsEndpoint(app.address, env.ports.nodeExporter, ctx.pki.leaf(certificateId(app, 'node-exporter')), 404);
    await using _edge = await tlsEndpoint(lb.address, env.ports.https, ctx.pki.publicCert, 401);

    const defaults = nodePath(env, monitoring, '/etc/default/prometheus-blackbox-exporter');
    // Under what its unit's sandbox allows here (`_confine.ts`): its user, no new privileges, no capabilities, / read-only.
    const service = serviceOf(
      bundle.find((a) => a.path === nodePath(env, monitoring, '/etc/systemd/system/prometheus-blackbox-exporter.service.d/chatops.conf'))
        ?.content ?? '',
    );
    const started = confined(service, [blackboxBin, ...args(defaults)]);
    await using blackbox = startProcess(started.command, started.args);
    await waitForPort(monitoring.address, env.ports.blackboxExporter, { process: blackbox });

    const exporter = `https://${monitoring.address}:${env.ports.blackboxExporter}`;
    // Prometheus' client certificate: the exporter requires one from our CA (mutual TLS).
    const leaf = ctx.pki.leaf(clientCertificateId(monitoring, 'prometheus'));
    const client = { cert: leaf.cert, key: leaf.key };
    const probe = (module: string, target: string) =>
      get(`${exporter}/probe?module=${module}&target=${encodeURIComponent(target)}`, ctx.pki.caCert, client);
    const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

    expect(processFacts(blackbox.child.pid ?? 0)).toEqual(expectedFacts(service));
    const inside = await probe(internal.module, internal.target);
    expect(metric(inside, 'probe_success')).toBe(1);
    const days = (metric(inside, 'probe_ssl_earliest_cert_expiry') * 1000 - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(4.9);
    expect(days).toBeLessThan(5.1);
    // Another node's FQDN does not verify: the module checks the name, not only the chain.
    const wrongName = probeTargets(env).find((t) => t.job === 'probe-internal' && t.node.name !== app.name);
    expect(metric(await probe(wrongName?.module ?? '', internal.target), 'probe_success')).toBe(0);

    const outside = await probe(edge.module, edge.target);
    expect(metric(outside, 'probe_success')).toBe(1);
    expect(metric(outside, 'probe_http_status_code')).toBe(401);
    expect(metric(outside, 'probe_http_ssl')).toBe(1);

    // Without credentials the exporter refuses (mutual TLS + basic auth like every exporter).
    await expect(get(`${exporter}/metrics`, ctx.pki.caCert, client)).resolves.toContain('blackbox_exporter_build_info');
    const anonymous = await new Promise<number>((resolve, reject) => {
      request(`${exporter}/metrics`, { ca: ctx.pki.caCert, ...client }, (res) => (res.resume(), resolve(res.statusCode ?? 0)))
        .on('error', reject)
        .end();
    });
    expect(anonymous).toBe(401);
    // Without our client certificate (none, or a server leaf of ours, which lacks clientAuth) the TLS handshake
    // fails before basic auth is even asked: the password alone is not enough.
    const serverLeaf = ctx.pki.leaf(certificateId(monitoring, 'blackbox-exporter'));
    await expect(get(`${exporter}/metrics`, ctx.pki.caCert)).rejects.toThrow();
    await expect(get(`${exporter}/metrics`, ctx.pki.caCert, { cert: serverLeaf.cert, key: serverLeaf.key })).rejects.toThrow();

    // Prometheus probes through the exporter as rendered, and the rules fire for the 5-day certificate.
    await using prom = startProcess(prometheusBin, args(nodePath(env, monitoring, PROMETHEUS_PATHS.defaults)));
    await waitForPort(monitoring.address, env.ports.prometheus, { process: prom });
    const alerts = await eventually(
      async () => {
        // Prometheus requires a client certificate from our CA (mutual TLS): its own client leaf will do.
        const body = JSON.parse(
          await get(`https://${monitoring.address}:${env.ports.prometheus}/api/v1/alerts`, ctx.pki.caCert, client),
        ) as {
          data: { alerts: { labels: Record<string, string>; state: string }[] };
        };
        const expiring = body.data.alerts.filter(
          (a) => a.labels.alertname === 'CertificateExpiresSoon' && a.labels.instance === internal.instance && a.state === 'firing',
        );
        return expiring.length === 2 ? expiring : undefined;
      },
      { timeoutMs: 60_000, what: `CertificateExpiresSoon firing at both severities\n${prom.output().slice(-2000)}` },
    );
    expect(alerts.map((a) => `${a.labels.severity} ${a.labels.node} ${a.labels.service}`).sort()).toEqual([
      `critical ${app.name} node-exporter`,
      `warning ${app.name} node-exporter`,
    ]);
  });
});
