import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@chatops/core';
import { type RuleFile, printRuleFile, printRuleTestFile, ruleTest } from '@chatops/prometheus-rules';
import { requireBinary, run, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

// The README's example: a rule and its test, both in TypeScript.
const rules: RuleFile = {
  groups: [
    {
      name: 'chatops',
      rules: [
        {
          alert: 'ChatOpsInstanceDown',
          expr: 'time() - container_last_seen{job="cadvisor",name=~"chatops-1|chatops-2"} > 60',
          for: '30s',
          labels: { severity: 'critical' },
          annotations: { summary: 'ChatOps container {{ $labels.name }} on {{ $labels.node }} is down' },
        },
      ],
    },
  ],
};

const instanceDown = ruleTest({
  name: 'a container cAdvisor stops seeing fires after a minute and 30s',
  interval: '1m',
  inputSeries: [
    { series: 'container_last_seen{job="cadvisor",node="chatops-1",name="chatops-1"}', values: '0+60x10' },
    { series: 'container_last_seen{job="cadvisor",node="chatops-1",name="chatops-2"}', values: '0+60x2 120x8' },
  ],
  alerts: [
    { at: '3m', alertname: 'ChatOpsInstanceDown', expected: [] },
    {
      at: '6m',
      alertname: 'ChatOpsInstanceDown',
      expected: [
        {
          labels: { job: 'cadvisor', node: 'chatops-1', name: 'chatops-2', severity: 'critical' },
          annotations: { summary: 'ChatOps container chatops-2 on chatops-1 is down' },
        },
      ],
    },
  ],
});

function promtoolTest(ruleFile: RuleFile, tests: ReturnType<typeof ruleTest>[]) {
  using dir = tempDir('rule-test-');
  writeFileSync(join(dir.path, 'rules.yml'), printRuleFile(ruleFile));
  writeFileSync(join(dir.path, 'test.yml'), printRuleTestFile({ ruleFiles: ['rules.yml'], tests, rules: [ruleFile] }));
  return run('promtool', ['test', 'rules', join(dir.path, 'test.yml')]);
}

describe('rule tests written in TypeScript', () => {
  it('render a promtool test file that passes', () => {
    requireBinary('promtool');
    const r = promtoolTest(rules, [instanceDown]);
    expect(`${r.status}\n${r.stdout}${r.stderr}`).toMatch(/^0\n[\s\S]*SUCCESS/);
  });

  it('fail in promtool when the expectation is wrong (the harness really tests)', () => {
    requireBinary('promtool');
    const wrong = ruleTest({
      interval: '1m',
      inputSeries: [{ series: 'container_last_seen{job="cadvisor",node="chatops-1",name="chatops-1"}', values: '0+60x10' }],
      alerts: [{ at: '6m', alertname: 'ChatOpsInstanceDown', expected: [{ labels: { name: 'chatops-1', severity: 'critical' } }] }],
    });
    const r = promtoolTest(rules, [wrong]);
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('alertname: ChatOpsInstanceDown');
  });

  it('render the test file deterministically', () => {
    expect(printRuleTestFile({ ruleFiles: ['rules.yml'], tests: [instanceDown] })).toMatchInlineSnapshot(`
      "rule_files:
        - rules.yml
      evaluation_interval: 1m
      tests:
        - name: a container cAdvisor stops seeing fires after a minute and 30s
          interval: 1m
          input_series:
            - series: container_last_seen{job="cadvisor",node="chatops-1",name="chatops-1"}
              values: 0+60x10
            - series: container_last_seen{job="cadvisor",node="chatops-1",name="chatops-2"}
              values: 0+60x2 120x8
          alert_rule_test:
            - eval_time: 3m
              alertname: ChatOpsInstanceDown
              exp_alerts: []
            - eval_time: 6m
              alertname: ChatOpsInstanceDown
              exp_alerts:
                - exp_labels:
                    job: cadvisor
                    node: chatops-1
                    name: chatops-2
                    severity: critical
                  exp_annotations:
                    summary: ChatOps container chatops-2 on chatops-1 is down
      "
    `);
  });

  it('reject bad series, values, times and unknown alert names before promtool', () => {
    const bad = () =>
      ruleTest({
        interval: '0s',
        inputSeries: [
          { series: 'up{job=~"x"}', values: '1 1 0x' },
          { series: 'rate(up[5m])', values: '1' },
        ],
        alerts: [{ at: 'soon', alertname: 'X', expected: [{ labels: { alertname: 'X' } }] }],
      });
    expect(() => bad()).toThrowErrorMatchingInlineSnapshot(`
      [ConfigError: interval: expected a non-zero duration, got "0s"
      inputSeries.0.series: series up{job=~"x"}: only = matchers describe a series, got job=~
      inputSeries.0.values: invalid value "0x" (expected a number, a+bxn, _, _xn or stale)
      inputSeries.1.series: invalid series "rate(up[5m])": expected a series like up{job="node"}
      alerts.0.at: expected a duration, got "soon"
      alerts.0.expected.0.labels.alertname: alertname is implied by the expectation; leave it out]
    `);
    expect(() =>
      printRuleTestFile({
        ruleFiles: ['rules.yml'],
        tests: [ruleTest({ inputSeries: [{ series: 'up', values: '1' }], alerts: [{ at: '1m', alertname: 'Nope', expected: [] }] })],
        rules: [rules],
      }),
    ).toThrow(ConfigError);
  });
});
