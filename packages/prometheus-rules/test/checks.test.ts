import { type RuleFile, checkAlertTemplate, printRuleFile, validatePrometheusConfig, validateRuleFile } from '@chatops/prometheus-rules';
import { parsePromql } from '@chatops/prometheus-common';
import { configErrorMessage, requireBinary, run, tempDir } from '@chatops/testing';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const file = (rules: RuleFile['groups'][number]['rules']): RuleFile => ({ groups: [{ name: 'chatops', rules }] });

describe('alert templates', () => {
  it('accepts the functions and variables Prometheus offers', () => {
    expect(
      checkAlertTemplate(
        '{{ $labels.node }} at {{ $value | humanize }} ({{ printf "%.2f" $value }}) {{ if gt $value 1.0 }}high{{ else }}low{{ end }}',
      ),
    ).toEqual([]);
    expect(checkAlertTemplate('{{- $x := $labels.node -}}{{ $x }} {{ index $labels "job" }} {{ .Labels.job }}')).toEqual([]);
  });

  it('rejects unknown functions, undefined variables, unbalanced blocks', () => {
    expect(checkAlertTemplate('{{ $labels.node | humanise }} {{ $lables.node }} {{ if true }}x')).toMatchInlineSnapshot(`
      [
        "unknown template function "humanise"",
        "undefined template variable "$lables"",
        "{{ if }} is never closed with {{ end }}",
      ]
    `);
    expect(checkAlertTemplate('{{ end }} {{ .Foo }} {{ $labels.x')).toMatchInlineSnapshot(`
      [
        "{{ end }} without a matching if, range, with or define",
        "unknown template field ".Foo" (alert templates have .Labels, .Value, .ExternalLabels and .ExternalURL)",
        "unclosed action "{{" at offset 21",
      ]
    `);
  });

  it('rejects a label the expression cannot have, when that is decidable', () => {
    const labels = parsePromql('sum by (job) (up) == 0').labels;
    expect(checkAlertTemplate('{{ $labels.job }} {{ $labels.node }}', { labels })).toMatchInlineSnapshot(`
      [
        "template refers to label "node", which the expression's result does not have (it has: job)",
      ]
    `);
    expect(checkAlertTemplate('{{ $labels.anything }}', { labels: parsePromql('up == 0').labels })).toEqual([]);
  });
});

describe('rule files', () => {
  it('reject bad PromQL, an unknown label in a template and duplicate names, with the rule path', () => {
    const bad = file([
      {
        alert: 'ChatOpsInstanceDown',
        expr: 'time() - container_last_seen{name=~"chatops-1" > 60',
        for: '30s',
        labels: { severity: 'critical' },
      },
      { alert: 'NodeDown', expr: 'max by (node) (up) == 0', annotations: { summary: '{{ $labels.instance }} is down' } },
      { alert: 'NodeDown', expr: 'up == 0', labels: { severity: '{{ $labels.node | nope }}' } },
      { alert: 'NodeDown', expr: 'max by (node) (up) == 0' },
      // One condition at two severities is not a duplicate (Prometheus and kube-prometheus do this).
      { alert: 'Expiring', expr: 'up == 0', labels: { severity: 'warning' } },
      { alert: 'Expiring', expr: 'up == 0', labels: { severity: 'critical' } },
    ]);
    expect(configErrorMessage(() => validateRuleFile(bad))).toMatchInlineSnapshot(`
      "groups.chatops.rules.ChatOpsInstanceDown.expr: syntax error at column 48: unexpected ">"
      groups.chatops.rules.NodeDown.annotations.summary: template refers to label "instance", which the expression's result does not have (it has: node)
      groups.chatops.rules.NodeDown.labels.severity: unknown template function "nope"
      groups.chatops.rules.NodeDown: duplicate rule name "NodeDown" in group "chatops""
    `);
  });

  it('reject unknown keys, bad durations and label names (schema)', () => {
    const input = {
      groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up', for: '30 s', labels: { 'bad-name': 'x' }, keep_firing_for: '1m' }] }],
    };
    expect(configErrorMessage(() => validateRuleFile(input))).toMatchInlineSnapshot(`
      "groups.g.rules.0.for: expected a duration like 30s, 5m or 1h30m
      groups.g.rules.0.labels.bad-name: expected a label name ([a-zA-Z_][a-zA-Z0-9_]*)
      groups.g.rules.0.keep_firing_for: unknown key"
    `);
  });

  it('prints a file promtool check rules accepts', () => {
    requireBinary('promtool');
    using dir = tempDir('rules-');
    const path = join(dir.path, 'rules.yml');
    writeFileSync(
      path,
      printRuleFile({
        groups: [
          {
            name: 'chatops',
            interval: '30s',
            rules: [
              { record: 'job:up:sum', expr: 'sum by (job) (up)', labels: { team: 'cloud' } },
              {
                alert: 'NoTargets',
                expr: 'job:up:sum == 0',
                for: '0s',
                labels: { severity: 'critical' },
                annotations: { summary: 'no {{ $labels.job }} target is up' },
              },
            ],
          },
        ],
      }),
    );
    const r = run('promtool', ['check', 'rules', path]);
    expect(`${r.status}\n${r.stdout}${r.stderr}`).toMatch(/^0\n/);
  });
});

describe('prometheus.yml', () => {
  it('reject what promtool would accept but is unsafe or wrong', () => {
    const config = {
      global: { scrape_interval: '5s', scrape_timeout: '10s' },
      scrape_configs: [
        { job_name: 'a', scheme: 'https', static_configs: [{ targets: ['10.0.0.1:9100'] }] },
        {
          job_name: 'a',
          basic_auth: { username: 'p', password_file: '/etc/p' },
          static_configs: [{ targets: ['10.0.0.1:9100'] }],
          relabel_configs: [{ regex: '(', target_label: 'x' }],
        },
      ],
    };
    expect(configErrorMessage(() => validatePrometheusConfig(config))).toMatchInlineSnapshot(`
      "global.scrape_timeout: scrape_timeout 10s is greater than scrape_interval 5s
      scrape_configs.a.tls_config.ca_file: https without ca_file would trust the system CAs instead of ours
      scrape_configs.a: duplicate job_name "a"
      scrape_configs.a.basic_auth: basic auth over plain http sends the password in clear
      scrape_configs.a.relabel_configs.0.regex: invalid RE2 regular expression: error parsing regexp: missing closing ): \`^(?:()$\`"
    `);
    expect(
      configErrorMessage(() =>
        validatePrometheusConfig({ scrape_configs: [{ job_name: 'x', basic_auth: { username: 'u', password: 'inline' } }] }),
      ),
    ).toMatchInlineSnapshot(
      `
      "scrape_configs.0.basic_auth.password_file: required string is missing
      scrape_configs.0.basic_auth.password: unknown key"
    `,
    );
  });
});

describe('valid rule files are accepted by promtool (property)', () => {
  it('random groups of rules print to files promtool check rules accepts', () => {
    requireBinary('promtool');
    using dir = tempDir('rules-prop-');
    const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/);
    const value = fc.oneof(
      // Without "{{": a label value is a template, and an unbalanced action is refused before promtool sees it.
      fc.string({ maxLength: 12 }).filter((v) => !v.includes('{{')),
      fc.constantFrom('on', 'no', 'yes', '0755', '1:30', '~', 'null', '- x', '#x', '{{ $value }}'),
    );
    const expr = fc.constantFrom(
      'up == 0',
      'sum by (job) (rate(x_total[5m])) > 1',
      'absent(up{job="a"})',
      'time() - container_last_seen{name=~"a|b"} > 60',
      'vector(1)',
    );
    const rule = fc.record({
      alert: name,
      expr,
      for: fc.constantFrom(undefined, '0s', '30s', '1h30m'),
      labels: fc.dictionary(name, value, { maxKeys: 3 }),
    });
    const group = fc.record({
      name: fc.string({ minLength: 1, maxLength: 10 }),
      rules: fc.uniqueArray(rule, { minLength: 1, maxLength: 3, selector: (r) => r.alert }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(group, { minLength: 1, maxLength: 3, selector: (g) => g.name }), (groups) => {
        const input: RuleFile = {
          groups: groups.map((g) => ({
            ...g,
            rules: g.rules.map((r) => (r.for === undefined ? { alert: r.alert, expr: r.expr, labels: r.labels } : r)),
          })),
        };
        const path = join(dir.path, 'r.yml');
        writeFileSync(path, printRuleFile(input));
        const r = run('promtool', ['check', 'rules', path]);
        expect(`${r.status}\n${r.stdout}${r.stderr}`).toMatch(/^0\n/);
      }),
      { numRuns: 25 },
    );
  });
});
