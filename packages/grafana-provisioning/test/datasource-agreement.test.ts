import { type Artifact, ConfigError } from '@chatops/core';
import { certificateId, clientCertificate, clientCertificateId, nodePath, nodeWithRole } from '@chatops/environment';
import { grafanaDatasourceAgreement } from '@chatops/grafana-provisioning';
import { PkiStore } from '@chatops/pki';
import { PROMETHEUS_PATHS } from '@chatops/prometheus-rules';
import { pkiSettings } from '@chatops/stack';
import { renderExample, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

/** The example rendered with a real PKI (the check reads the client certificate Grafana presents), and a copy of its bundles to edit. */
async function rendered(name: 'prod' | 'dev') {
  const { ctx, result } = await renderExample(name);
  return { ctx, map: new Map([...result.bundles].map(([node, artifacts]) => [node, [...artifacts]])) };
}

function edit(map: Map<string, Artifact[]>, node: string, path: string, change: (s: string) => string) {
  map.set(
    node,
    (map.get(node) ?? []).map((a) => (a.path === path ? { ...a, content: change(a.content) } : a)),
  );
}

describe('grafana datasource agreement (stack check)', () => {
  it('holds for the example environments', async () => {
    for (const name of ['prod', 'dev'] as const) {
      const { ctx, map } = await rendered(name);
      expect(grafanaDatasourceAgreement.check(ctx, map)).toEqual([]);
    }
  });

  it('fails when Prometheus stops knowing the datasource user or moves its port', async () => {
    const { ctx, map } = await rendered('dev');
    const prom = nodeWithRole(ctx.env, 'prometheus');
    edit(map, prom.name, nodePath(ctx.env, prom, PROMETHEUS_PATHS.web), (s) => s.replace(/^(\s+)grafana:/m, '$1grafana-old:'));
    edit(map, prom.name, nodePath(ctx.env, prom, PROMETHEUS_PATHS.defaults), (s) => s.replace(':9090', ':9091'));
    const problems = grafanaDatasourceAgreement.check(ctx, map);
    expect(new ConfigError(problems).message).toMatchInlineSnapshot(`
      "ports.prometheus: monitoring-1:/etc/grafana/provisioning/datasources/chatops.yaml: datasource https://10.1.0.41:9090 uses port 9090, Prometheus listens on 10.1.0.41:9091
      serviceAccounts.grafana.name: monitoring-1:/etc/grafana/provisioning/datasources/chatops.yaml: datasource user grafana is not in Prometheus' web.yml (admin, ops, grafana-old, prometheus)"
    `);
  });

  it('fails when a side is not rendered, or Prometheus has no listen address: nothing to compare', async () => {
    const { ctx, map: all } = await rendered('dev');
    const prom = nodeWithRole(ctx.env, 'prometheus');
    const defaults = nodePath(ctx.env, prom, PROMETHEUS_PATHS.defaults);
    const message = (map: Map<string, Artifact[]>) => new ConfigError(grafanaDatasourceAgreement.check(ctx, map)).message;

    const noSides = new Map([...all].map(([node]) => [node, [] as Artifact[]]));
    expect(message(noSides)).toMatchInlineSnapshot(`
      "nodes.2: monitoring-1:/etc/prometheus/web.yml is not rendered: no Prometheus users, nothing to compare
      nodes.2: monitoring-1:/etc/default/prometheus is not rendered: no Prometheus listen address, nothing to compare
      nodes.2: monitoring-1:/etc/grafana/provisioning/datasources/chatops.yaml is not rendered: no Grafana datasource, nothing to compare"
    `);

    const noListen = new Map(all);
    edit(noListen, prom.name, defaults, (s) => s.replace(/--web\.listen-address=\S+ /, ''));
    expect(message(noListen)).toMatchInlineSnapshot(
      `"nodes.2: monitoring-1:/etc/default/prometheus: ARGS has no --web.listen-address: no Prometheus port to compare Grafana's datasource with"`,
    );
  });

  it('checks the client certificate Grafana presents to Prometheus (mutual TLS): rendered, signed by our CA, a client leaf, its key', async () => {
    const { ctx, map: pristine } = await rendered('prod');
    const grafana = nodeWithRole(ctx.env, 'grafana');
    const datasources = nodePath(ctx.env, grafana, '/etc/grafana/provisioning/datasources/chatops.yaml');
    const certPath = nodePath(ctx.env, grafana, '/etc/chatops/tls/grafana-client/cert.pem');
    const keyPath = nodePath(ctx.env, grafana, '/etc/chatops/tls/grafana-client/key.pem');
    const messages = (map: Map<string, Artifact[]>) =>
      grafanaDatasourceAgreement.check(ctx, map).map((d) => `${d.path.join('.')}: ${d.message}`);
    const copy = () => new Map([...pristine].map(([n, a]) => [n, [...a]]));

    // No client certificate in the datasource.
    const none = copy();
    edit(none, grafana.name, datasources, (s) => s.replace(/^\s+tlsAuth: true\n/gm, ''));
    expect(messages(none)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/datasource presents no client certificate and key \(tlsAuth\), but Prometheus requires one/),
      ]),
    );
    // Its files not rendered on the Grafana node.
    const unrendered = copy();
    unrendered.set(
      grafana.name,
      (unrendered.get(grafana.name) ?? []).filter((a) => a.path !== certPath),
    );
    expect(messages(unrendered)).toEqual([
      `tls.internal: ${grafana.name}:${datasources}: datasource client certificate ${certPath} is not rendered on the Grafana node`,
    ]);
    // A server leaf of ours (serverAuth only) in its place.
    const serverLeaf = copy();
    edit(serverLeaf, grafana.name, certPath, () => ctx.pki.leaf(certificateId(grafana, 'grafana')).cert);
    expect(messages(serverLeaf)).toEqual([
      expect.stringMatching(/datasource client certificate .* is not a client leaf \(no clientAuth usage\)$/),
    ]);
    // Another CA's client leaf.
    using dir = tempDir('ds-agreement-');
    const other = await new PkiStore(dir.path).ensure(pkiSettings(ctx.env), [clientCertificate(ctx.env, grafana, 'grafana')], {
      persist: false,
    });
    const otherCa = copy();
    edit(otherCa, grafana.name, certPath, () => other.material.leaf(clientCertificateId(grafana, 'grafana')).cert);
    expect(messages(otherCa)).toEqual([expect.stringMatching(/datasource client certificate .* is not signed by the internal CA$/)]);
    // Our client leaf with another key; the message never quotes a key.
    const wrongKey = copy();
    edit(wrongKey, grafana.name, keyPath, () => ctx.pki.leaf(clientCertificateId(nodeWithRole(ctx.env, 'prometheus'), 'prometheus')).key);
    const wrong = messages(wrongKey);
    expect(wrong).toEqual([
      `tls.internal: ${grafana.name}:${datasources}: datasource client key does not belong to the client certificate`,
    ]);
    expect(wrong.join('\n')).not.toContain('PRIVATE KEY');
  });
});
