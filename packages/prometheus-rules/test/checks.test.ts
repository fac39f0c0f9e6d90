import { ConfigError } from '@chatops/core';
import {
  type RuleFile,
  checkAlertTemplate,
  checkPromql,
  exactRegex,
  parsePromql,
  printRuleFile,
  validatePrometheusConfig,
  validateRuleFile,
  validateWebConfig,
} from '@chatops/prometheus-rules';
import { requireBinary, run, tempDir } from '@chatops/testing';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const file = (rules: RuleFile['groups'][number]['rules']): RuleFile => ({ groups: [{ name: 'chatops', rules }] });

describe('parsePromql', () => {
  it('accepts valid PromQL and reports the labels of the result', () => {
    expect(parsePromql('sum by (node, job) (rate(http_requests_total{code=~"5.."}[5m])) > 0')).toMatchObject({
      errors: [],
      type: 'vector',
      labels: { open: false, names: ['job', 'node'] },
      functions: ['rate'],
      selectors: [{ metric: 'http_requests_total', matchers: [{ name: 'code', op: '=~', value: '5..' }] }],
    });
    expect(parsePromql('absent(up{job="node",node="lb-1"})').labels).toEqual({ open: false, names: ['job', 'node'] });
    expect(parsePromql('up == 0').labels).toEqual({ open: true, names: [] });
  });

  it('reports what Prometheus 2.42 rejects, with the column', () => {
    const errors = (q: string) => parsePromql(q).errors.map((e) => `${e.column}: ${e.message}`);
    expect(errors('sum by (job (up)')).toMatchInlineSnapshot(`
      [
        "13: syntax error at column 13: unexpected "("",
      ]
    `);
    expect(errors('up{job="x"')).toMatchInlineSnapshot(`
      [
        "11: syntax error: unexpected end of expression",
      ]
    `);
    expect(errors('foo(up)')).toMatchInlineSnapshot(`
      [
        "1: unknown function "foo"",
      ]
    `);
    expect(errors('rate(up)')).toMatchInlineSnapshot(`
      [
        "6: expected type range vector in call to function "rate", got instant vector",
      ]
    `);
    expect(errors('up[5m] > 1')).toMatchInlineSnapshot(`
      [
        "8: binary expression must contain only scalar and instant vector types, got matrix",
      ]
    `);
    expect(errors('1 > 2')).toMatchInlineSnapshot(`
      [
        "3: comparisons between scalars must use BOOL modifier",
      ]
    `);
    expect(errors('up{job=~"(x"}')).toMatchInlineSnapshot(`
      [
        "9: invalid regular expression in matcher job=~: error parsing regexp: missing closing ): \`^(?:(x)$\`",
      ]
    `);
    expect(errors('{job=~".*"}')).toMatchInlineSnapshot(`
      [
        "1: vector selector must contain at least one non-empty matcher: {job=~".*"}",
      ]
    `);
    expect(errors('limitk(2, up)')).toMatchInlineSnapshot(`
      [
        "1: aggregation limitk needs Prometheus 3",
      ]
    `);
    expect(errors('rate(up[5m+1m])')).toMatchInlineSnapshot(`
      [
        "9: expected a duration like 5m, got "5m+1m" (duration arithmetic needs Prometheus 3)",
      ]
    `);
    expect(errors('mad_over_time(up[5m])')).toMatchInlineSnapshot(`
      [
        "1: function "mad_over_time" is not supported by Prometheus 2.42",
      ]
    `);
    expect(errors('')).toEqual(['1: empty expression']);
  });

  it('agrees with promtool on a table of expressions', () => {
    requireBinary('promtool');
    using dir = tempDir('promql-');
    const table = [
      'up == 0',
      'sum by (job) (up)',
      'rate(x[5m]) > 0 and on (job) up',
      'histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))',
      'count_values("v", up)',
      'x[5m:1m]',
      'label_replace(up, "dst", "$1", "src", "(.*)")',
      'up offset 5m',
      'rate(up)',
      'foo(up)',
      'sum by (job (up)',
      '1 > 2',
      'up[5m] + 1',
      '{job=~".*"}',
      'up{job=~"(x"}',
      'mad_over_time(up[5m])',
      'topk(up, 3)',
      'abs(up, up)',
    ];
    const disagreements: string[] = [];
    for (const expr of table) {
      const path = join(dir.path, 'r.yml');
      writeFileSync(path, `groups:\n  - name: g\n    rules:\n      - record: r\n        expr: ${JSON.stringify(expr)}\n`);
      const promtool = run('promtool', ['check', 'rules', path]).status === 0;
      const ours = parsePromql(expr).errors.length === 0;
      if (promtool !== ours) disagreements.push(`${expr}: promtool ${promtool}, ours ${ours}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('agrees with promtool on long chains and deep nesting (lezer alone gives up on both)', () => {
    requireBinary('promtool');
    using dir = tempDir('promql-long-');
    const terms = (n: number, term: (i: number) => string) => Array.from({ length: n }, (_, i) => term(i));
    const absent = (i: number) => `absent(container_last_seen{job="cadvisor",name="chatops-${i}",node="chatops-${Math.floor(i / 2)}"})`;
    const nest = (n: number, open: string, inner: string, close: string) => open.repeat(n) + inner + close.repeat(n);
    const valid = [
      terms(300, absent).join(' or '),
      terms(400, (i) => `rate(m_${i}{code=~"5.."}[5m]) * 2 + up{i="${i}"}`).join(' - '),
      terms(400, (i) => `up{job="j${i}"}`).join(' and on (job) '),
      terms(300, (i) => `x${i} or on (a) -y${i}`).join(' unless ignoring (b) '),
      `sum by (node) (${terms(260, absent).join(' or ')}) > 0`,
      `label_replace(${terms(200, (i) => `up{i="${i}"} * 1e+3`).join(' + ')}, "dst", "$1", "src", "(.*)")`,
      nest(490, '(x + ', 'up', ')'),
      nest(240, 'max_over_time((', 'up', ')[5m:1m])'),
      nest(400, 'sum by (a) (', 'up', ')'),
    ];
    const rules = valid.map((expr, i) => `      - record: r${i}\n        expr: ${JSON.stringify(expr)}\n`).join('');
    const path = join(dir.path, 'valid.yml');
    writeFileSync(path, `groups:\n  - name: g\n    rules:\n${rules}`);
    expect(run('promtool', ['check', 'rules', path]).status).toBe(0);
    expect(valid.filter((expr) => parsePromql(expr).errors.length > 0)).toEqual([]);
    expect(parsePromql(valid[0] as string).labels).toEqual({ open: false, names: ['job', 'name', 'node'] });

    // Errors deep in a long chain: promtool rejects them, and our column is the one in the caller's text.
    const chain = terms(300, absent).join(' or ');
    const invalid = [`${chain} or rate(x)`, `${chain} or )`, `${chain} or foo(up)`];
    for (const expr of invalid) {
      writeFileSync(path, `groups:\n  - name: g\n    rules:\n      - record: r\n        expr: ${JSON.stringify(expr)}\n`);
      expect(run('promtool', ['check', 'rules', path]).status, expr.slice(chain.length)).not.toBe(0);
    }
    expect(invalid.map((expr) => parsePromql(expr).errors.map((e) => `${e.column - chain.length}: ${e.message}`))).toEqual([
      [`10: expected type range vector in call to function "rate", got instant vector`],
      [`5: syntax error at column ${chain.length + 5}: unexpected ")"`],
      [`5: unknown function "foo"`],
    ]);
    // Beyond this checker's documented nesting limit: a clear message, not a misleading syntax error.
    expect(parsePromql(nest(600, '(', 'up', ')')).errors.map((e) => e.message)).toEqual([
      'expression nested 600 parentheses deep: this checker stops at 500 (split it, e.g. into recording rules)',
    ]);
  });

  it('checkPromql gives diagnostics at a document path', () => {
    expect(checkPromql('rate(x[5m]) by', ['groups', 'g', 'rules', 'R', 'expr'])).toEqual([
      { path: ['groups', 'g', 'rules', 'R', 'expr'], column: 13, message: 'syntax error at column 13: unexpected "by"' },
    ]);
  });

  it('exactRegex matches exactly the given values (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
        fc.string({ maxLength: 8 }),
        (values, other) => {
          const re = RE2JS.compile(`^(?:${exactRegex(values)})$`);
          for (const v of values) expect(re.matches(v)).toBe(true);
          expect(re.matches(other)).toBe(values.includes(other));
        },
      ),
    );
  });
});

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
    expect(errorOf(() => validateRuleFile(bad))).toMatchInlineSnapshot(`
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
    expect(errorOf(() => validateRuleFile(input))).toMatchInlineSnapshot(`
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

describe('prometheus.yml and web.yml', () => {
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
    expect(errorOf(() => validatePrometheusConfig(config))).toMatchInlineSnapshot(`
      "global.scrape_timeout: scrape_timeout 10s is greater than scrape_interval 5s
      scrape_configs.a.tls_config.ca_file: https without ca_file would trust the system CAs instead of ours
      scrape_configs.a: duplicate job_name "a"
      scrape_configs.a.basic_auth: basic auth over plain http sends the password in clear
      scrape_configs.a.relabel_configs.0.regex: invalid RE2 regular expression: error parsing regexp: missing closing ): \`^(?:()$\`"
    `);
    expect(
      errorOf(() => validatePrometheusConfig({ scrape_configs: [{ job_name: 'x', basic_auth: { username: 'u', password: 'inline' } }] })),
    ).toMatchInlineSnapshot(
      `
      "scrape_configs.0.basic_auth.password_file: required string is missing
      scrape_configs.0.basic_auth.password: unknown key"
    `,
    );
  });

  it('web.yml accepts only bcrypt hashes and no basic auth without TLS', () => {
    expect(errorOf(() => validateWebConfig({ basic_auth_users: { admin: 'secret' } }))).toMatchInlineSnapshot(
      `"basic_auth_users.admin: expected a bcrypt hash ($2b$...): expected a password hash ($6$, $5$, $2b$ or $y$ crypt format), not a plaintext password"`,
    );
    expect(
      errorOf(() => validateWebConfig({ basic_auth_users: { admin: '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy' } })),
    ).toMatchInlineSnapshot(`"basic_auth_users: basic auth without tls_server_config would send passwords in clear"`);
  });
});

describe('valid rule files are accepted by promtool (property)', () => {
  it('random groups of rules print to files promtool check rules accepts', () => {
    requireBinary('promtool');
    using dir = tempDir('rules-prop-');
    const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/);
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
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
