import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request } from 'node:https';
import { join } from 'node:path';
import {
  type MetricsEndpoint,
  chatopsInstances,
  clientCertificateId,
  metricsEndpoints,
  nodePath,
  nodeWithRole,
  probeTargets,
  serviceCertificate,
  unitsOn,
} from '@chatops/environment';
import { PkiStore } from '@chatops/pki';
import { PROMETHEUS_PATHS, createPrometheusRenderer, defaultAlertRules } from '@chatops/prometheus-rules';
import { pkiSettings, prepareRender, writeArtifacts } from '@chatops/stack';
import {
  type ClientPair,
  LOOPBACK_PASSWORDS,
  clientsToRefuse,
  eventually,
  httpsStatus,
  loopbackEnvironment,
  requireBinary,
  startProcess,
  tempDir,
  waitForPort,
} from '@chatops/testing';
import { describe, expect, it } from 'vitest';

interface StandIn extends AsyncDisposable {
  readonly endpoint: MetricsEndpoint;
  /** Alerts Prometheus posted (for the Alertmanager stand-in). */
  readonly posted: unknown[];
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** An HTTPS exporter with the node's certificate from our CA, requiring the Prometheus account where the endpoint does. */
async function standIn(endpoint: MetricsEndpoint, tls: { cert: string; key: string }, metrics: () => string): Promise<StandIn> {
  const posted: unknown[] = [];
  const expected = basic('prometheus', LOOPBACK_PASSWORDS.prometheus);
  const server = createServer(tls, (req: IncomingMessage, res: ServerResponse) => {
    if (endpoint.basicAuth && req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="stand-in"' }).end();
      return;
    }
    if (req.method === 'POST' && req.url === '/api/v2/alerts') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        posted.push(...(JSON.parse(body) as unknown[]));
        res.writeHead(200).end();
      });
      return;
    }
    // The blackbox exporter also answers probes: every probed endpoint is fine, its certificate far from expiry.
    if (endpoint.job === 'blackbox' && req.url?.startsWith('/probe?')) {
      res
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        .end(`probe_success 1\nprobe_ssl_earliest_cert_expiry ${Math.floor(Date.now() / 1000) + 90 * 86400}\n`);
      return;
    }
    if (req.url !== endpoint.path) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(endpoint.port, endpoint.node.address, resolve);
  });
  return {
    endpoint,
    posted,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The parts of Prometheus' HTTP API answers the test reads. */
interface ApiBody {
  data: {
    activeTargets: { labels: Record<string, string>; health: string; lastError: string }[];
    groups: { name: string; rules: { name: string }[] }[];
    alerts: { labels: Record<string, string>; state: string }[];
  };
}

/** A client certificate and key (Prometheus requires one from our CA: mutual TLS). */
interface Client {
  readonly cert: string;
  readonly key: string;
}

function getJsonAs(url: string, ca: string, client: Client): Promise<{ status: number; body: ApiBody }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, ...client, headers: { authorization: basic('admin', LOOPBACK_PASSWORDS.admin) } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: (res.statusCode === 200 ? JSON.parse(body) : { data: {} }) as ApiBody });
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Prometheus on loopback', () => {
  it('requires our client certificate (mutual TLS), scrapes every stand-in exporter over TLS with auth, loads the rules, and fires the alert for a failed unit', async () => {
    const prometheus = requireBinary('prometheus');
    using dir = tempDir('prom-e2e-');
    const loop = await loopbackEnvironment({
      dir: dir.path,
      subnet: 4,
      chatopsNodes: 1,
      overrides: { prometheus: { scrapeInterval: '1s', evaluationInterval: '1s' } },
    });
    const pkiDir = join(dir.path, 'pki');
    const ctx = await prepareRender(loop.file, { pkiDir });
    const { env } = ctx;
    const node = nodeWithRole(env, 'prometheus');
    const out = createPrometheusRenderer({ rules: { for: '1s' } }).render(node, ctx);
    writeArtifacts(out.artifacts);

    // Certificates for the stand-ins, from the same CA (the real exporters' renderers are not under test here).
    const endpoints = metricsEndpoints(env).filter((e) => e.service !== 'prometheus');
    const { material } = await new PkiStore(pkiDir).ensure(
      pkiSettings(env),
      endpoints.map((e) => ({ ...serviceCertificate(env, e.node, e.service), id: `standin/${e.job}-${e.node.name}` })),
    );
    expect(material.caCert).toBe(ctx.pki.caCert);

    const lb = nodeWithRole(env, 'loadbalancer');
    let haproxyFailed = false;
    const metricsFor = (e: MetricsEndpoint) => (): string => {
      switch (e.job) {
        case 'systemd':
          return (
            unitsOn(env, e.node)
              .map((unit) => {
                const failed = haproxyFailed && e.node.name === lb.name && unit === 'haproxy.service';
                return [
                  `systemd_unit_state{name="${unit}",state="active",type="service"} ${failed ? 0 : 1}`,
                  `systemd_unit_state{name="${unit}",state="failed",type="service"} ${failed ? 1 : 0}`,
                  `systemd_unit_state{name="${unit}",state="inactive",type="service"} 0`,
                ].join('\n');
              })
              .join('\n')
              // A unit not placed on the node, inactive: the scrape config drops it (placedUnitsRelabeling).
              .concat('\nsystemd_unit_state{name="not-placed-here.service",state="inactive",type="service"} 1\n')
          );
        case 'cadvisor':
          return chatopsInstances(env, e.node)
            .map((i) => `container_last_seen{name="${i.containerName}"} ${Math.floor(Date.now() / 1000)}\n`)
            .join('');
        case 'alertmanager':
          return 'alertmanager_config_last_reload_successful 1\n';
        default:
          return `${e.job}_stand_in 1\n`;
      }
    };
    const standIns: StandIn[] = [];
    try {
      for (const e of endpoints) {
        const leaf = material.leaf(`standin/${e.job}-${e.node.name}`);
        standIns.push(await standIn(e, { cert: leaf.cert + leaf.chain, key: leaf.key }, metricsFor(e)));
      }

      // Start Prometheus with the flags it would get from /etc/default/prometheus on the node.
      const defaults = readFileSync(nodePath(env, node, PROMETHEUS_PATHS.defaults), 'utf8');
      const args = /^ARGS="(.*)"$/m.exec(defaults)?.[1]?.split(' ') ?? [];
      expect(args).toContain(`--web.listen-address=${node.address}:${env.ports.prometheus}`);
      await using proc = startProcess(prometheus, args);
      await waitForPort(node.address, env.ports.prometheus, { process: proc, timeoutMs: 30_000 });

      const base = `https://${node.address}:${env.ports.prometheus}`;
      const ca = ctx.pki.caCert;
      // Any client leaf of ours (clientAuth) gets through the handshake: here Grafana's, as its datasource.
      const grafana = nodeWithRole(env, 'grafana');
      const client = ctx.pki.leaf(clientCertificateId(grafana, 'grafana'));
      const getJson = (url: string, c: Client = client) => getJsonAs(url, ca, c);
      const status = (c: ClientPair | undefined) => httpsStatus(`${base}/api/v1/targets`, ca, c);
      expect((await getJson(`${base}/api/v1/targets`)).status).toBe(200);
      // Our client certificate without the password: basic auth still applies.
      expect(await status(client)).toBe(401);
      // Mutual TLS: no client certificate, another CA's client leaf, or a server leaf of ours (serverAuth only) is
      // refused in the handshake, before the password is even asked.
      for (const refused of await clientsToRefuse(ctx, dir.path, { node: grafana, service: 'grafana' }, { node, service: 'prometheus' }))
        expect(await status(refused)).toEqual(expect.any(String));

      // Every target (the stand-ins and Prometheus itself) is up: a wrong CA, server name or password would show here.
      const targets = await eventually(
        async () => {
          const r = await getJson(`${base}/api/v1/targets`);
          const active = r.body.data.activeTargets;
          return active.length === metricsEndpoints(env).length + probeTargets(env).length && active.every((t) => t.health === 'up')
            ? active
            : undefined;
        },
        { timeoutMs: 30_000, what: `every target up (${proc.output().slice(-2000)})` },
      );
      // Every metrics endpoint, and every probe through the blackbox exporter (labelled with the exporter's node).
      expect(targets.map((t) => `${t.labels.job}@${t.labels.node}`).sort()).toEqual(
        [...metricsEndpoints(env).map((e) => `${e.job}@${e.node.name}`), ...probeTargets(env).map((t) => `${t.job}@${node.name}`)].sort(),
      );

      const rules = await getJson(`${base}/api/v1/rules`);
      const loaded = rules.body.data.groups.flatMap((g) => g.rules.map((r) => `${g.name}/${r.name}`));
      expect(loaded.sort()).toEqual(
        defaultAlertRules(env)
          .groups.flatMap((g) => g.rules.map((r) => `${g.name}/${'alert' in r ? r.alert : r.record}`))
          .sort(),
      );

      // Nothing but the Watchdog fires while everything is healthy; then haproxy.service fails on the load balancer.
      const all = async () => (await getJson(`${base}/api/v1/alerts`)).body.data.alerts.filter((a) => a.state === 'firing');
      expect(
        (await eventually(async () => (await all()).find((a) => a.labels.alertname === 'Watchdog'), { what: 'the Watchdog firing' }))
          .labels,
      ).toEqual({
        alertname: 'Watchdog',
        severity: 'none',
      });
      const firing = async () => (await all()).filter((a) => a.labels.alertname !== 'Watchdog');
      // (absent() holds until cAdvisor's first scrape: with `for: 1s` that fires briefly at start-up, then resolves.)
      await eventually(async () => ((await firing()).length === 0 ? true : undefined), {
        timeoutMs: 30_000,
        what: 'no alert firing while healthy',
      });
      haproxyFailed = true;
      const alerts = await eventually(
        async () => {
          const f = await firing();
          return f.length > 0 ? f : undefined;
        },
        { timeoutMs: 30_000, what: 'SystemdUnitDown to fire' },
      );
      expect(alerts.map((a) => a.labels)).toEqual([
        {
          alertname: 'SystemdUnitDown',
          instance: `${lb.address}:${env.ports.systemdExporter}`,
          job: 'systemd',
          name: 'haproxy.service',
          node: lb.name,
          severity: 'critical',
          state: 'failed',
          type: 'service',
        },
      ]);

      // ... and reaches Alertmanager (the stand-in on its node), over TLS with the service account.
      const am = standIns.find((s) => s.endpoint.job === 'alertmanager');
      const delivered = await eventually(
        () =>
          am?.posted.some((a) => (a as { labels?: { alertname?: string } }).labels?.alertname === 'SystemdUnitDown')
            ? am.posted
            : undefined,
        {
          timeoutMs: 30_000,
          what: 'SystemdUnitDown posted to Alertmanager',
        },
      );
      expect(delivered).toContainEqual(
        expect.objectContaining({
          labels: expect.objectContaining({ alertname: 'SystemdUnitDown', environment: 'loopback', node: lb.name }),
        }),
      );
    } finally {
      for (const s of standIns) await s[Symbol.asyncDispose]();
    }
  });
});
