import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@chatops/core';
import { type ServiceName, type ServiceRenderer, type StackCheck, loadEnvironment } from '@chatops/environment';
import { haproxyRenderer } from '@chatops/haproxy-config';
import { RENDERERS, applyOrder, certificateRequests, renderStack } from '@chatops/stack';
import { FIXED_PKI, REPO, errorMessage, exampleContext, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const ctx = exampleContext('prod');

describe('renderStack(ctx, { services, checks })', () => {
  it('renders only the services it is given, and runs only the checks it is given', () => {
    const seen: string[][] = [];
    const spy: StackCheck = {
      name: 'spy',
      check: (_ctx, bundles) => {
        seen.push([...bundles.entries()].flatMap(([node, artifacts]) => artifacts.map((a) => `${node}:${a.service}`)));
        return [];
      },
    };
    const { bundles } = renderStack(ctx, { services: [haproxyRenderer], checks: [spy] });
    const rendered = new Set([...bundles.values()].flatMap((artifacts) => artifacts.map((a) => a.service)));
    expect([...rendered]).toEqual(['haproxy']);
    expect(new Set(seen.flat())).toEqual(new Set(['lb-1:haproxy']));
  });

  it('reports what a given check finds', () => {
    const failing: StackCheck = { name: 'always', check: () => [{ path: ['nodes'], message: 'found by the given check' }] };
    expect(() => renderStack(ctx, { services: [haproxyRenderer], checks: [failing] })).toThrow(/found by the given check/);
  });

  it("reports a renderer's refusal at the environment field the refused value came from (file:line: path), with what it was rendering", () => {
    // A renderer whose own model refuses a value derived from the environment (the generic OAuth scopes here).
    const refusing: ServiceRenderer = {
      service: 'grafana',
      runsOn: ['grafana'],
      render: (_node, { env }) => {
        const model = { auth: { scopes: [...env.grafana.oauth.scopes] }, port: 3000 };
        throw new ConfigError([{ path: ['auth', 'scopes', 1], message: 'refused by this renderer' }], model);
      },
    };
    // Found on both Grafana nodes: one problem of the environment, reported once.
    let error: unknown;
    try {
      renderStack(ctx, { services: [refusing], checks: [] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.split('\n')).toMatchInlineSnapshot(`
      [
        "examples/cloud-chatops/environments/prod.yaml:68: grafana.oauth.scopes.1: grafana on grafana-1: refused by this renderer (auth.scopes.1 of what it renders)",
      ]
    `);
  });

  it('traces a refused value among the fields the renderer read, and names the others that hold the same value', () => {
    // "cloud-chatops" is both chatops.config.repos.stfc.0 and elastic.clusterName; 3000 both ports.chatops and ports.grafana.
    const refusing: ServiceRenderer = {
      service: 'elasticsearch',
      runsOn: ['elasticsearch'],
      render: (_node, { env }) => {
        const model = { cluster: { name: env.elastic.clusterName }, ports: [env.ports.chatops, env.ports.grafana] };
        throw new ConfigError(
          [
            { path: ['cluster', 'name'], message: 'refused cluster name' },
            { path: ['ports', 1], message: 'refused port' },
          ],
          model,
        );
      },
    };
    expect(errorMessage(() => renderStack(ctx, { services: [refusing], checks: [] })).split('\n')).toMatchInlineSnapshot(`
      [
        "examples/cloud-chatops/environments/prod.yaml:104: elastic.clusterName: elasticsearch on elastic-1: refused cluster name (cluster.name of what it renders)",
        "examples/cloud-chatops/environments/prod.yaml:6: ports.chatops: elasticsearch on elastic-1: refused port (ports.1 of what it renders) (the same value as ports.grafana) (ports.chatops is not set in examples/cloud-chatops/environments/prod.yaml: its default is 3000)",
      ]
    `);
  });

  it("reports a renderer's own rule at the environment field it is about, located in the environment file", () => {
    using dir = tempDir();
    const source = readFileSync(join(REPO, 'examples/cloud-chatops/environments/prod.yaml'), 'utf8').replace(
      '    requireTls: true',
      '    requireTls: true\n    password: { env: SMTP_PASSWORD }',
    );
    writeFileSync(join(dir.path, 'prod.yaml'), source);
    const { environment, secrets } = loadEnvironment(join(dir.path, 'prod.yaml'), { cwd: dir.path, env: { SMTP_PASSWORD: 'x' } });
    expect(errorMessage(() => renderStack({ env: environment, secrets, pki: FIXED_PKI }, { checks: [] }))).toMatchInlineSnapshot(
      `"prod.yaml:77: alerting.email.username: alertmanager on prometheus-1: an SMTP password needs a username: Alertmanager only authenticates when both are set"`,
    );
  });

  it('reports a problem two renderers find once (an unknown prometheus.alertFor name: Prometheus and Alertmanager both build the rules)', () => {
    using dir = tempDir();
    const source = readFileSync(join(REPO, 'examples/cloud-chatops/environments/prod.yaml'), 'utf8').replace(
      '  evaluationInterval: 15s',
      '  evaluationInterval: 15s\n  alertFor: { NodeDwn: 5m }',
    );
    writeFileSync(join(dir.path, 'prod.yaml'), source);
    const { environment, secrets } = loadEnvironment(join(dir.path, 'prod.yaml'), { cwd: dir.path, env: {} });
    const message = errorMessage(() => renderStack({ env: environment, secrets, pki: FIXED_PKI }, { checks: [] }));
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(
      /^prod\.yaml:\d+: prometheus\.alertFor\.NodeDwn: (prometheus|alertmanager) on prometheus-1: no default alert is named NodeDwn \(the alerts: /,
    );
  });

  it('asks only the given services for certificates', () => {
    expect(certificateRequests(ctx.env, [haproxyRenderer]).map((r) => r.id)).toEqual(['lb-1/haproxy', 'lb-1/haproxy-client']);
    expect(certificateRequests(ctx.env).length).toBeGreaterThan(1);
  });
});

describe('apply order', () => {
  const service = (name: ServiceName, after: ServiceName[] = []): ServiceRenderer => ({
    service: name,
    runsOn: 'every-node',
    after,
    render: () => ({ artifacts: [] }),
  });

  it('is a topological sort of the `after` edges, ties broken by catalogue order, every service placed', () => {
    expect(
      applyOrder([service('haproxy', ['grafana']), service('grafana', ['prometheus']), service('prometheus'), service('filebeat')]),
    ).toEqual(['prometheus', 'grafana', 'haproxy', 'filebeat']);
    expect(applyOrder(RENDERERS)).toHaveLength(RENDERERS.length);
  });

  it('refuses a cycle and a service registered twice', () => {
    expect(errorMessage(() => applyOrder([service('grafana', ['prometheus']), service('prometheus', ['grafana'])]))).toMatchInlineSnapshot(
      `"the stack's \`after\` edges form a cycle through grafana, prometheus"`,
    );
    expect(errorMessage(() => applyOrder([service('grafana'), service('grafana')]))).toMatchInlineSnapshot(
      `"service grafana is registered twice in the stack"`,
    );
  });

  it('puts every placed service of the stack into the manifest order, the edge last', () => {
    // The fixed test PKI fails the upstream-certificate check: only the order is under test here.
    const { order, services } = renderStack(ctx, { checks: [] });
    const placed = [...services.entries()].flatMap(([node, list]) => list.map((s) => `${node}:${s}`));
    expect(order.map((s) => `${s.node}:${s.service}`).sort()).toEqual(placed.sort());
    expect(order.at(-1)?.service).toBe('haproxy');
    const at = (s: ServiceName) => order.findIndex((o) => o.service === s);
    for (const r of RENDERERS) for (const dep of r.after ?? []) if (at(dep) >= 0) expect(at(dep)).toBeLessThan(at(r.service));
  });
});
