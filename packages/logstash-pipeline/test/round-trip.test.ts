import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@chatops/core';
import type { Condition, Config, Expression, HashEntry, Plugin, RValue, Statement, Value } from '@chatops/logstash-pipeline';
import { parsePipeline, printPipeline } from '@chatops/logstash-pipeline';

const fits = (raw: string, q: string) => !raw.endsWith('\\') && [...raw].every((c, i) => c !== q || raw[i - 1] === '\\');
const rawText = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', ' ', '"', "'", '\\', '\n', '\t', '$', '{', '}', '#', '/', '[', ',', 'é', '%'),
  maxLength: 8,
});
const stringValue = rawText.filter((s) => fits(s, '"') || fits(s, "'")).map((value) => ({ kind: 'string' as const, value }));
const bareword = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{1,6}$/).map((value) => ({ kind: 'bareword' as const, value }));
const numberValue = fc.stringMatching(/^-?[0-9]{1,4}(\.[0-9]{0,3})?$/).map((value) => ({ kind: 'number' as const, value }));
const pluginName = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/).filter((n) => n !== 'else' && !/^if-?[0-9]+$/.test(n));
const attributeName = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
  stringValue.map((s) => s.value),
);
const scalar = fc.oneof(stringValue, bareword, numberValue);
const hashKey = fc.oneof(stringValue, bareword, numberValue);

const { value } = fc.letrec<{ value: Value; inner: Value; hash: Value; array: Value; plugin: Plugin }>((tie) => ({
  // Plugins (codecs) only as an attribute's direct value.
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('array'), tie('hash'), tie('plugin')),
  inner: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, scalar, tie('array'), tie('hash')),
  array: fc.array(tie('inner'), { maxLength: 3 }).map((items) => ({ kind: 'array' as const, items })),
  hash: fc
    .uniqueArray(fc.record({ key: hashKey, value: tie('inner') }), {
      maxLength: 3,
      selector: (e) => `${e.key.kind === 'number' ? 'n' : 's'}:${e.key.value}`,
    })
    .map((entries: HashEntry[]) => ({ kind: 'hash' as const, entries })),
  plugin: fc
    .record({ name: pluginName, attributes: fc.array(fc.record({ name: attributeName, value: tie('value') }), { maxLength: 3 }) })
    .map(({ name, attributes }) => ({ kind: 'plugin' as const, name, attributes })),
}));

const selector = fc
  .array(fc.oneof(fc.stringMatching(/^[a-z@_.-]{1,6}$/), fc.stringMatching(/^[^\][,]{1,5}$/)), { minLength: 1, maxLength: 3 })
  .map((path) => ({ kind: 'selector' as const, path }));
const regexp = rawText.filter((s) => fits(s, '/')).map((source) => ({ kind: 'regexp' as const, source }));
const compareSide: fc.Arbitrary<RValue> = fc.oneof(selector, stringValue, numberValue);
const listValue: fc.Arbitrary<RValue> = fc.oneof(
  selector,
  fc.oneof(fc.constant([]), fc.array(scalar, { minLength: 2, maxLength: 3 })).map((items) => ({ kind: 'array' as const, items })),
);

const { condition } = fc.letrec<{ condition: Condition; expression: Expression }>((tie) => ({
  condition: fc.array(tie('expression'), { minLength: 1, maxLength: 3 }).chain((operands) =>
    fc
      .array(operands.length === 2 ? fc.constantFrom('and', 'or', 'xor', 'nand') : fc.constantFrom('and', 'or'), {
        minLength: operands.length - 1,
        maxLength: operands.length - 1,
      })
      .map((operators) => ({ kind: 'condition' as const, operands, operators })),
  ),
  expression: fc.oneof(
    { depthSize: 'small' },
    selector,
    fc.record({
      kind: fc.constant('compare' as const),
      operator: fc.constantFrom('==', '!=', '<=', '>=', '<', '>'),
      left: compareSide,
      right: compareSide,
    }),
    fc.record({ kind: fc.constant('in' as const), negated: fc.boolean(), left: compareSide, right: listValue }),
    fc.record({
      kind: fc.constant('match' as const),
      operator: fc.constantFrom('=~', '!~'),
      left: selector,
      pattern: fc.oneof(stringValue, regexp),
    }),
    fc.record({ kind: fc.constant('not' as const), operand: selector }),
    tie('condition').map((c) => ({ kind: 'not' as const, operand: { kind: 'group' as const, condition: c } })),
    tie('condition').map((c) => ({ kind: 'group' as const, condition: c })),
  ),
}));

const topPlugin = fc
  .record({ name: pluginName, attributes: fc.array(fc.record({ name: attributeName, value }), { maxLength: 3 }) })
  .map(({ name, attributes }): Plugin => ({ kind: 'plugin', name, attributes }));

const { statements } = fc.letrec<{ statements: Statement[]; statement: Statement }>((tie) => ({
  statements: fc.array(tie('statement'), { maxLength: 3 }),
  statement: fc.oneof(
    { depthSize: 'small' },
    topPlugin,
    fc
      .record({
        clauses: fc.array(fc.record({ condition, body: tie('statements') }), { minLength: 1, maxLength: 2 }),
        otherwise: fc.option(tie('statements'), { nil: undefined }),
      })
      .map(({ clauses, otherwise }) =>
        otherwise ? { kind: 'branch' as const, clauses, else: otherwise } : { kind: 'branch' as const, clauses },
      ),
  ),
}));

const configArb: fc.Arbitrary<Config> = fc
  .array(fc.record({ type: fc.constantFrom('input', 'filter', 'output'), body: statements }), { maxLength: 3 })
  .map((sections) => ({ sections }));

describe('render -> parse round trip', () => {
  it('parsePipeline(printPipeline(ast)) equals ast, and printing is stable', () => {
    fc.assert(
      fc.property(configArb, (ast) => {
        const text = printPipeline(ast);
        expect(parsePipeline(text)).toEqual(ast);
        expect(printPipeline(parsePipeline(text))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('a string of any characters either prints and round-trips or is rejected with a ConfigError', () => {
    fc.assert(
      fc.property(rawText, (raw) => {
        const ast: Config = {
          sections: [
            {
              type: 'filter',
              body: [{ kind: 'plugin', name: 'mutate', attributes: [{ name: 'x', value: { kind: 'string', value: raw } }] }],
            },
          ],
        };
        let text: string;
        try {
          text = printPipeline(ast);
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
          expect(fits(raw, '"') || fits(raw, "'")).toBe(false);
          return;
        }
        expect(parsePipeline(text)).toEqual(ast);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects what has no text form', () => {
    const one = (value: Value): Config => ({
      sections: [{ type: 'filter', body: [{ kind: 'plugin', name: 'mutate', attributes: [{ name: 'x', value }] }] }],
    });
    expect(() => printPipeline(one({ kind: 'string', value: `it's "both"` }))).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: sections.0.body.0.attributes.0.value: a string cannot contain both an unescaped " and an unescaped ' (config.support_escapes is false)]`,
    );
    expect(() => printPipeline(one({ kind: 'string', value: 'ends with \\' }))).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: sections.0.body.0.attributes.0.value: a string cannot end with a backslash (config.support_escapes is false)]`,
    );
    expect(() => printPipeline(one({ kind: 'bareword', value: 'x' }))).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: sections.0.body.0.attributes.0.value: bareword "x" must match [A-Za-z_][A-Za-z0-9_]+]`,
    );
    const inOne: Config = {
      sections: [
        {
          type: 'filter',
          body: [
            {
              kind: 'branch',
              clauses: [
                {
                  condition: {
                    kind: 'condition',
                    operands: [
                      {
                        kind: 'in',
                        negated: false,
                        left: { kind: 'selector', path: ['a'] },
                        right: { kind: 'array', items: [{ kind: 'string', value: 'x' }] },
                      },
                    ],
                    operators: [],
                  },
                  body: [],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(() => printPipeline(inOne)).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: sections.0.body.0.clauses.0.condition.operands.0.right: the one-element array ["x"] would read as a field reference in a condition]`,
    );
  });
});
