import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RouteSimulator, alertRoutingCheck, checkAlertRouting, validateAlertmanagerConfig } from '@chatops/alertmanager-config';
import { ALERTMANAGER_PATHS } from '../src/alertmanager-renderer.js';
import { alertRulesIn } from '../src/alert-routing-check.js';
import { ConfigError } from '@chatops/core';
import { nodeWithRole, nodePath } from '@chatops/environment';
import { PROMETHEUS_PATHS, ruleFileSchema } from '@chatops/prometheus-rules';
import { writeArtifacts } from '@chatops/stack';
import { goldenFiles, renderedService, requireBinary, run, tempDir } from '@chatops/testing';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const envDir = fileURLToPath(new URL('../../../examples/cloud-chatops/environments/', import.meta.url));

/** The stack rendered from an example (real PKI, shared per file), and this package's artifacts on its node. */
const rendered = (name: 'prod' | 'dev', pathPrefix?: string) => renderedService(name, 'alertmanager', 'alertmanager', { pathPrefix });

describe.each(['prod', 'dev'] as const)('the stack in %s', (name) => {
  it('renders golden files (certificates and secret values left out)', async () => {
    const { listing, contents } = goldenFiles((await rendered(name)).artifacts);
    expect(listing).toMatchSnapshot();
    for (const a of contents) await expect(a.content).toMatchFileSnapshot(`./__snapshots__/${name}${a.path}`);
  });

  it('is accepted by amtool check-config and promtool check web-config at its real paths', async () => {
    requireBinary('amtool');
    requireBinary('promtool');
    using dir = tempDir('am-render-');
    const { result, node } = await rendered(name, join(dir.path, '{node}'));
    writeArtifacts(result.bundles.get(node.name) ?? []);
    const checks = result.checks.filter((c) => c.node === node.name && /amtool|alertmanager/.test(c.name));
    expect(checks.map((c) => c.name)).toEqual(['amtool check-config', 'promtool check web-config (alertmanager)']);
    for (const check of checks) {
      const r = run(check.command, check.args);
      expect(`${r.status}\n${r.stdout}${r.stderr}`).toMatch(/^0\n/);
    }
  });

  it('routes critical alerts to Slack and e-mail, the rest to Slack, grouped by alertname', async () => {
    const { artifacts, ctx, node } = await rendered(name);
    const config = validateAlertmanagerConfig(
      load(artifacts.find((a) => a.path === nodePath(ctx.env, node, ALERTMANAGER_PATHS.config))?.content ?? ''),
    );
    const sim = new RouteSimulator(config);
    const down = (n: string) => ({ alertname: 'ChatOpsInstanceDown', severity: 'critical', node: n, instance: `${n}:3000` });
    const batch = [down('chatops-1'), down('chatops-2'), { alertname: 'FilesystemFilling', severity: 'warning', node: 'elastic-1' }];
    expect(sim.notifications(batch).map((n) => `${n.receiver} ${n.groupKey} x${n.alerts.length}`)).toEqual([
      'slack {}/{severity="critical"}:{alertname="ChatOpsInstanceDown"} x2',
      'email {}/{severity="critical"}:{alertname="ChatOpsInstanceDown"} x2',
      'slack {}:{alertname="FilesystemFilling"} x1',
    ]);
    // A node that is down mutes what it causes on that node, not elsewhere.
    const withNodeDown = [...batch, { alertname: 'NodeDown', severity: 'critical', node: 'chatops-1', job: 'node' }];
    expect(
      sim.simulate(withNodeDown).map((a) => `${a.labels.alertname}@${a.labels.node}: ${a.inhibited ? 'muted' : a.receivers.join('+')}`),
    ).toEqual([
      'ChatOpsInstanceDown@chatops-1: muted',
      'ChatOpsInstanceDown@chatops-2: slack+email',
      'FilesystemFilling@elastic-1: slack',
      'NodeDown@chatops-1: slack+email',
    ]);
  });

  it("reports each failing receiver through the other one, and sends the Watchdog only to the dead-man's switch", async () => {
    const { artifacts, ctx, node } = await rendered(name);
    const config = validateAlertmanagerConfig(
      load(artifacts.find((a) => a.path === nodePath(ctx.env, node, ALERTMANAGER_PATHS.config))?.content ?? ''),
    );
    const sim = new RouteSimulator(config);
    const failing = (integration: string) => ({
      alertname: 'AlertmanagerNotificationsFailing',
      severity: 'warning',
      node: node.name,
      integration,
    });
    expect(sim.receivers(failing('slack'))).toEqual(['email']);
    expect(sim.receivers(failing('email'))).toEqual(['slack']);
    expect(sim.receivers({ alertname: 'Watchdog', severity: 'none' })).toEqual(['watchdog']);
    // No dead-man's switch configured in the examples: the Watchdog is watched through Alertmanager's API.
    expect(config.receivers.find((r) => r.name === 'watchdog')).toEqual({ name: 'watchdog' });
  });
});

describe('secrets', () => {
  it('puts the Slack webhook only in its 0600 secret file, referenced by slack_api_url_file', async () => {
    const { readFileSync } = await import('node:fs');
    const webhook = readFileSync(join(envDir, '../secrets/dev/slack-webhook-url'), 'utf8').trim();
    const { result, node } = await rendered('dev');
    const all = result.bundles.get(node.name) ?? [];
    const holding = all.filter((a) => a.content.includes(webhook));
    expect(holding.map((a) => `${a.path} ${a.mode} ${a.owner} ${a.secret}`)).toEqual([
      '/etc/alertmanager/secrets/slack-webhook-url 0600 prometheus true',
    ]);
  });
});

describe('the routing check', () => {
  it('rejects an alert that falls through to a receiver without integrations', () => {
    const config = validateAlertmanagerConfig({
      route: { receiver: 'null', routes: [{ receiver: 'slack', matchers: ['severity="critical"'] }] },
      receivers: [{ name: 'null' }, { name: 'slack', slack_configs: [{ api_url: 'https://hooks.example/x', channel: '#a' }] }],
    });
    expect(
      checkAlertRouting(config, [
        { alert: 'A', labels: { severity: 'critical' } },
        { alert: 'B', labels: { severity: 'warning' }, source: 'rules.yml' },
      ]),
    ).toMatchInlineSnapshot(`
      [
        {
          "message": "alert B (rules.yml) is routed to receiver null, which has no integrations: it would never be notified",
          "path": [
            "route",
          ],
        },
      ]
    `);
  });

  it('passes on the stack as rendered, having read every alert rule the stack ships', async () => {
    const { ctx, result } = await rendered('prod');
    const prom = nodeWithRole(ctx.env, 'prometheus');
    const rules = (result.bundles.get(prom.name) ?? [])
      .filter((a) => a.path === PROMETHEUS_PATHS.rules)
      .flatMap((a) => alertRulesIn(ruleFileSchema.parse(load(a.content)), a.path));
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['ChatOpsInstanceDown', 'SystemdUnitDown', 'NodeDown', 'TargetDown']));
    expect(alertRoutingCheck.check(ctx, result.bundles)).toEqual([]);
  });

  /** The stack's bundles with the rule file at `PROMETHEUS_PATHS.rules` replaced by `rules` (YAML). */
  function withRules(result: Awaited<ReturnType<typeof rendered>>['result'], prom: string, rules: string) {
    const bundles = new Map(result.bundles);
    bundles.set(
      prom,
      (bundles.get(prom) ?? []).map((a) => (a.path === PROMETHEUS_PATHS.rules ? { ...a, content: rules } : a)),
    );
    return bundles;
  }

  it('reads the rule files prometheus.yml loads and reports an inhibit rule waiting for an alert that no rule produces', async () => {
    const { ctx, result } = await rendered('prod');
    const prom = nodeWithRole(ctx.env, 'prometheus');
    const rules = `groups:\n  - name: t\n    rules:\n      - alert: Silent\n        expr: vector(1)\n        labels: { severity: info }\n`;
    // The stack's rule file replaced by one that has none of the inhibiting alerts.
    const bundles = withRules(result, prom.name, rules);
    // One problem per inhibit rule (several wait for the same alert).
    expect([...new Set(alertRoutingCheck.check(ctx, bundles).map((d) => d.message))]).toEqual([
      '/etc/prometheus/alertmanager.yml: inhibit rule waits for alert NodeDown, which no Prometheus rule of the stack produces',
      '/etc/prometheus/alertmanager.yml: inhibit rule waits for alert TargetDown, which no Prometheus rule of the stack produces',
      '/etc/prometheus/alertmanager.yml: inhibit rule waits for alert HaproxyBackendDown, which no Prometheus rule of the stack produces',
      '/etc/prometheus/alertmanager.yml: inhibit rule waits for alert SystemdUnitDown, which no Prometheus rule of the stack produces',
      '/etc/prometheus/alertmanager.yml: inhibit rule waits for alert SystemdUnitCrashLooping, which no Prometheus rule of the stack produces',
      '/etc/prometheus/alertmanager.yml: inhibit rule waits for alert CertificateExpiresSoon, which no Prometheus rule of the stack produces',
    ]);
  });

  it('matches inhibit source matchers against the labels the rule sets, not only the alert name', async () => {
    const { ctx, result, node } = await rendered('prod');
    // NodeDown exists but is critical: an inhibit rule waiting for a warning NodeDown never fires.
    const bundles = new Map(result.bundles);
    const path = nodePath(ctx.env, node, ALERTMANAGER_PATHS.config);
    bundles.set(
      node.name,
      (bundles.get(node.name) ?? []).map((a) =>
        a.path === path
          ? {
              ...a,
              content: a.content.replace(
                '- alertname="NodeDown"\n      - severity="critical"',
                '- alertname="NodeDown"\n      - severity=~"warn.*"',
              ),
            }
          : a,
      ),
    );
    expect(alertRoutingCheck.check(ctx, bundles)).toEqual([
      {
        path: ['inhibit_rules', 0, 'source_matchers'],
        message: '/etc/prometheus/alertmanager.yml: inhibit rule waits for alert NodeDown, which no Prometheus rule of the stack produces',
      },
    ]);
  });

  it('fails when there is nothing to check', async () => {
    const { ctx, result, node } = await rendered('prod');
    const prom = nodeWithRole(ctx.env, 'prometheus');
    const promIndex = ctx.env.nodes.indexOf(prom);
    const without = (node: string, path: string) => {
      const bundles = new Map(result.bundles);
      bundles.set(
        node,
        (bundles.get(node) ?? []).filter((a) => a.path !== path),
      );
      return bundles;
    };
    expect(alertRoutingCheck.check(ctx, without(node.name, ALERTMANAGER_PATHS.config)).map((d) => d.message)).toEqual([
      `${node.name}:/etc/prometheus/alertmanager.yml is not rendered: no Alertmanager config, nothing to check alert routing with`,
    ]);
    expect(alertRoutingCheck.check(ctx, without(prom.name, PROMETHEUS_PATHS.rules)).map((d) => d.message)).toEqual([
      `${prom.name}:/etc/prometheus/rules/chatops.rules.yml is not rendered: no rule file (/etc/prometheus/prometheus.yml loads it), nothing to check alert routing with`,
    ]);
    const recordingOnly = `groups:\n  - name: t\n    rules:\n      - record: r\n        expr: vector(1)\n`;
    expect(alertRoutingCheck.check(ctx, withRules(result, prom.name, recordingOnly))).toEqual([
      {
        path: ['nodes', promIndex],
        message: `${prom.name}:/etc/prometheus/prometheus.yml: its rule files hold no alerting rule, nothing to check alert routing with`,
      },
    ]);
    expect(() => validateAlertmanagerConfig({ route: {}, receivers: [] })).toThrow(ConfigError);
  });
});
