import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPromql, exactRegex, parsePromql } from '@chatops/prometheus-common';
import { requireBinary, run, tempDir } from '@chatops/testing';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';

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
