import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { nodePath, nodeWithRole } from '@chatops/environment';
import { type Dashboard, grafanaRenderer } from '@chatops/grafana-provisioning';
import { PROMETHEUS_PATHS, prometheusRenderer } from '@chatops/prometheus-rules';
import { prepareRender, writeArtifacts } from '@chatops/stack';
import { eventually, loopbackEnvironment, requireBinary, startProcess, tempDir, waitForPort } from '@chatops/testing';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

interface ProvisionedDatasource {
  url: string;
  basicAuthUser: string;
  jsonData: { tlsAuthWithCACert: boolean; tlsAuth: boolean };
  secureJsonData: { tlsCACert: string; tlsClientCert: string; tlsClientKey: string; basicAuthPassword: string };
}

interface QueryAnswer {
  status: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
  error?: string;
}

/** Grafana's `$__file{}` expansion: the file's content, trimmed. */
function expand(value: string): string {
  const m = /^\$__file\{(.+)\}$/.exec(value);
  return m ? readFileSync(m[1]!, 'utf8').trim() : value;
}

describe('Grafana datasource against the real Prometheus (loopback)', () => {
  it('reaches Prometheus over mutual TLS with our CA and basic auth, and Prometheus accepts every dashboard query', async () => {
    const prometheus = requireBinary('prometheus');
    using dir = tempDir('grafana-e2e-');
    const loop = await loopbackEnvironment({
      dir: dir.path,
      subnet: 9,
      chatopsNodes: 1,
      instancesPerNode: 1,
      overrides: { prometheus: { scrapeInterval: '1s', evaluationInterval: '1s' } },
    });
    const ctx = await prepareRender(loop.file, { pkiDir: join(dir.path, 'pki') });
    const { env } = ctx;
    const promNode = nodeWithRole(env, 'prometheus');
    const grafanaNode = nodeWithRole(env, 'grafana');
    const grafana = grafanaRenderer.render(grafanaNode, ctx).artifacts;
    writeArtifacts(prometheusRenderer.render(promNode, ctx).artifacts);
    writeArtifacts(grafana);

    const defaults = readFileSync(nodePath(env, promNode, PROMETHEUS_PATHS.defaults), 'utf8');
    const args = /^ARGS="(.*)"$/m.exec(defaults)?.[1]?.split(' ') ?? [];
    await using proc = startProcess(prometheus, args);
    await waitForPort(promNode.address, env.ports.prometheus, { process: proc, timeoutMs: 30_000 });

    // Everything below comes from the files rendered for the Grafana node, as Grafana would read them.
    const file = grafana.find((a) => a.path.endsWith('/provisioning/datasources/chatops.yaml'));
    const [ds] = (load(file?.content ?? '') as { datasources: ProvisionedDatasource[] }).datasources;
    if (!ds) throw new Error('no datasource rendered');
    const url = new URL(ds.url);
    const auth = `Basic ${Buffer.from(`${ds.basicAuthUser}:${expand(ds.secureJsonData.basicAuthPassword)}`).toString('base64')}`;
    expect(ds.jsonData.tlsAuthWithCACert).toBe(true);
    // Mutual TLS: Prometheus requires a client certificate; the datasource presents Grafana's.
    expect(ds.jsonData.tlsAuth).toBe(true);

    const query = (expr: string, withAuth = true) =>
      new Promise<{ status: number; body: QueryAnswer }>((resolve, reject) => {
        const body = new URLSearchParams({ query: expr }).toString();
        const req = request(
          new URL('/api/v1/query', url),
          {
            method: 'POST',
            ca: ds.secureJsonData.tlsCACert,
            cert: expand(ds.secureJsonData.tlsClientCert),
            key: expand(ds.secureJsonData.tlsClientKey),
            // The node's private DNS name, as Grafana resolves it on the real network.
            lookup: (_host, _opts, cb) => cb(null, [{ address: promNode.address, family: 4 }]),
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...(withAuth ? { authorization: auth } : {}) },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString('utf8')));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body: (text.startsWith('{') ? JSON.parse(text) : {}) as QueryAnswer }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    expect((await query('up', false)).status).toBe(401);
    // Prometheus scrapes itself: once it has, the datasource sees a live series.
    const up = await eventually(
      async () => {
        const r = await query('up{job="prometheus"}');
        return r.body.data?.result.length ? r.body.data.result : undefined;
      },
      { timeoutMs: 30_000, what: `Prometheus to scrape itself (${proc.output().slice(-1500)})` },
    );
    expect(up[0]?.metric.node).toBe(promNode.name);

    // Prometheus itself parses every panel query (Grafana substitutes its interval variables first).
    const dashboards = grafana.filter((a) => a.path.endsWith('.json')).map((a) => JSON.parse(a.content) as Dashboard);
    const exprs = dashboards.flatMap((d) => d.panels.flatMap((p) => (p.type === 'row' ? [] : p.targets.map((t) => t.expr))));
    expect(exprs.length).toBeGreaterThan(20);
    for (const expr of exprs) {
      const r = await query(expr.replaceAll('$__rate_interval', '1m'));
      expect({ expr, status: r.status, error: r.body.error }).toEqual({ expr, status: 200, error: undefined });
    }
    // The stat panels that count things answer 0 rather than "no data" on a quiet stack.
    const firing = await query('count(ALERTS{alertstate="firing"}) or vector(0)');
    expect(firing.body.data?.result).toHaveLength(1);
  });
});
