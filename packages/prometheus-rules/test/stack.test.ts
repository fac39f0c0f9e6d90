import { dirname, join, relative } from 'node:path';
import { nodePath, nodeWithRole, unitsOn } from '@chatops/environment';
import {
  PROMETHEUS_PATHS,
  defaultAlertRules,
  defaultRuleTests,
  printRuleTestFile,
  validatePrometheusConfig,
} from '@chatops/prometheus-rules';
import { writeArtifacts } from '@chatops/stack';
import { goldenFiles, renderedService, requireBinary, run, tempDir } from '@chatops/testing';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

/** The stack rendered from an example (real PKI, shared per file), and this package's artifacts on its node. */
const rendered = (name: 'prod' | 'dev', pathPrefix?: string) => renderedService(name, 'prometheus', 'prometheus', { pathPrefix });

describe.each(['prod', 'dev'] as const)('the stack in %s', (name) => {
  it('renders golden files (certificates and secret values left out)', async () => {
    const { listing, contents } = goldenFiles((await rendered(name)).artifacts);
    expect(listing).toMatchSnapshot();
    for (const a of contents) await expect(a.content).toMatchFileSnapshot(`./__snapshots__/${name}${a.path}`);
  });

  it('scrapes exactly the metrics endpoints, by address, verifying the node FQDN against our CA, presenting its client certificate', async () => {
    const { artifacts, ctx, node } = await rendered(name);
    const text = artifacts.find((a) => a.path === nodePath(ctx.env, node, PROMETHEUS_PATHS.config))?.content ?? '';
    const config = validatePrometheusConfig(load(text));
    for (const job of config.scrape_configs ?? []) {
      const target = ctx.env.nodes.find((n) => job.static_configs?.[0]?.targets[0]?.startsWith(`${n.address}:`));
      expect(target, job.job_name).toBeDefined();
      expect(job.tls_config).toEqual({
        ca_file: '/etc/chatops/tls/ca.pem',
        // Mutual TLS: the exporters, cAdvisor's terminator and the blackbox exporter require it.
        cert_file: '/etc/chatops/tls/prometheus-client/cert.pem',
        key_file: '/etc/chatops/tls/prometheus-client/key.pem',
        server_name: `${target?.name}.${ctx.env.internalDomain}`,
      });
      expect(job.static_configs?.[0]?.labels?.node).toBe(target?.name);
    }
    expect(config.global?.external_labels).toEqual({ environment: name });
    const amNode = nodeWithRole(ctx.env, 'alertmanager');
    expect(config.alerting?.alertmanagers?.[0]?.static_configs?.[0]?.targets).toEqual([`${amNode.address}:${ctx.env.ports.alertmanager}`]);
  });

  it('is accepted by promtool check config, check rules, check web-config at its real paths', async () => {
    requireBinary('promtool');
    using dir = tempDir('prom-render-');
    const { result, node, ctx } = await rendered(name, join(dir.path, '{node}'));
    writeArtifacts(result.bundles.get(node.name) ?? []);
    const password = ctx.env.serviceAccounts.prometheus.password;
    // prod's password is provisioned on the node out of band: promtool does not read it, but make it exist.
    if ('onNode' in password)
      writeArtifacts([
        { path: join(dir.path, 'onNode', password.onNode), content: 'x\n', mode: '0600', secret: true, service: 'prometheus' },
      ]);
    const checks = result.checks.filter(
      (c) =>
        c.node === node.name &&
        c.name.startsWith('promtool check') &&
        c.args.some((a) => a.includes('/etc/prometheus/') && !a.includes('alertmanager')),
    );
    expect(checks.map((c) => c.name)).toEqual(['promtool check config', 'promtool check rules', 'promtool check web-config']);
    for (const check of checks) {
      const r = run(check.command, check.args);
      expect(`${r.status}\n${r.stdout}${r.stderr}`).toMatch(/^0\n/);
    }
  });

  it('passes the default rules tests with promtool test rules', async () => {
    requireBinary('promtool');
    using dir = tempDir('prom-test-');
    const { result, node, ctx } = await rendered(name, join(dir.path, '{node}'));
    writeArtifacts(result.bundles.get(node.name) ?? []);
    const rulesPath = nodePath(ctx.env, node, PROMETHEUS_PATHS.rules);
    const testFile = join(dir.path, 'tests', 'chatops.test.yml');
    const tests = defaultRuleTests(ctx.env);
    expect(tests.length).toBeGreaterThanOrEqual(5);
    writeArtifacts([
      {
        path: testFile,
        content: printRuleTestFile({
          ruleFiles: [relative(dirname(testFile), rulesPath)],
          evaluationInterval: ctx.env.prometheus.evaluationInterval,
          tests,
          rules: [defaultAlertRules(ctx.env)],
        }),
        mode: '0644',
        secret: false,
        service: 'test',
      },
    ]);
    const r = run('promtool', ['test', 'rules', testFile]);
    expect(`${r.status}\n${r.stdout}${r.stderr}`).toMatch(/^0\n/);
  });

  it('watches the units placed on each node', async () => {
    const { ctx } = await rendered(name);
    expect(Object.fromEntries(ctx.env.nodes.map((n) => [n.name, unitsOn(ctx.env, n).join(' ')]))).toMatchSnapshot();
  });
});
