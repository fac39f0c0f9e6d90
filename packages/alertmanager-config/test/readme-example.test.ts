import { RouteSimulator, stackAlertmanagerConfig } from '@chatops/alertmanager-config';
import { loadEnvironment } from '@chatops/environment';
import { RENDERERS } from '@chatops/stack';
import { describe, expect, it } from 'vitest';

// README: a routing test for the stack's alerting, written with the simulator.
const { environment } = loadEnvironment('examples/cloud-chatops/environments/prod.yaml', { services: RENDERERS });
const config = stackAlertmanagerConfig(environment, {
  slackApiUrlFile: '/etc/alertmanager/secrets/slack-webhook-url',
  templates: ['/etc/prometheus/alertmanager_templates/chatops.tmpl'],
});
const sim = new RouteSimulator(config);

describe('prod alert routing', () => {
  it('sends critical alerts to Slack and e-mail, warnings to Slack only', () => {
    expect(sim.receivers({ alertname: 'ChatOpsInstanceDown', severity: 'critical' })).toEqual(['slack', 'email']);
    expect(sim.receivers({ alertname: 'FilesystemAlmostFull', severity: 'warning' })).toEqual(['slack']);
  });

  it('makes one notification of three instances down', () => {
    const down = ['chatops-1', 'chatops-2', 'chatops-3'].map((node) => ({ alertname: 'ChatOpsInstanceDown', severity: 'critical', node }));
    const slack = sim.notifications(down).filter((n) => n.receiver === 'slack');
    expect(slack).toHaveLength(1);
    expect(slack[0]?.groupKey).toBe('{}/{severity="critical"}:{alertname="ChatOpsInstanceDown"}');
    expect(slack[0]?.alerts).toHaveLength(3);
  });

  it('mutes what a down node causes on that node only', () => {
    const [instance, other] = sim.simulate([
      { alertname: 'ChatOpsInstanceDown', severity: 'critical', node: 'chatops-1' },
      { alertname: 'ChatOpsInstanceDown', severity: 'critical', node: 'chatops-2' },
      { alertname: 'NodeDown', severity: 'critical', node: 'chatops-1' },
    ]);
    expect(instance?.inhibited).toBe(true);
    expect(other?.inhibited).toBe(false);
  });
});

describe('the README', () => {
  it('shows this file as its routing example', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const self = readFileSync(new URL(import.meta.url), 'utf8');
    expect(readme).toContain(self.slice(0, self.indexOf("\ndescribe('the README'")).trimEnd());
  });
});
