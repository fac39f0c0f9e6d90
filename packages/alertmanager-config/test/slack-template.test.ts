import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SLACK_TEMPLATE, SLACK_TEMPLATE_NAMES } from '../src/slack-template.js';
import { requireBinary, run, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const alert = (status: 'firing' | 'resolved', node: string, name: string) => ({
  status,
  labels: { alertname: 'ChatOpsInstanceDown', severity: 'critical', node, name, job: 'cadvisor' },
  annotations: {
    summary: `ChatOps container ${name} on ${node} is down`,
    description: `cAdvisor on ${node} has not seen the container ${name} running for more than a minute.`,
  },
  startsAt: '2026-11-28T10:00:00Z',
  endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-28T10:05:00Z',
  generatorURL: 'https://prometheus.example/graph',
  fingerprint: `${node}-${name}`,
});

describe('the Slack template', () => {
  it('renders one readable message for a whole group (amtool template render)', async () => {
    requireBinary('amtool');
    using dir = tempDir('am-tmpl-');
    const tmpl = join(dir.path, 'chatops.tmpl');
    writeFileSync(tmpl, SLACK_TEMPLATE);
    const data = join(dir.path, 'data.json');
    writeFileSync(
      data,
      JSON.stringify({
        receiver: 'slack',
        status: 'firing',
        alerts: [
          alert('firing', 'chatops-1', 'chatops-1'),
          alert('firing', 'chatops-2', 'chatops-2'),
          alert('resolved', 'chatops-3', 'chatops-1'),
        ],
        groupLabels: { alertname: 'ChatOpsInstanceDown' },
        commonLabels: { alertname: 'ChatOpsInstanceDown', severity: 'critical', job: 'cadvisor' },
        commonAnnotations: {},
        externalURL: 'https://alertmanager.example/',
      }),
    );
    const render = (name: string) => {
      const r = run('amtool', [
        'template',
        'render',
        `--template.glob=${tmpl}`,
        `--template.data=${data}`,
        `--template.text={{ template "${name}" . }}`,
      ]);
      if (r.status !== 0) throw new Error(r.stderr);
      return r.stdout;
    };
    const message = [
      `title: ${render(SLACK_TEMPLATE_NAMES.title)}`,
      `color: ${render(SLACK_TEMPLATE_NAMES.color)}`,
      render(SLACK_TEMPLATE_NAMES.text),
    ].join('\n');
    await expect(message).toMatchFileSnapshot('./__snapshots__/slack-message.txt');
    expect(message).toContain('[FIRING:2] ChatOpsInstanceDown');
  });
});
