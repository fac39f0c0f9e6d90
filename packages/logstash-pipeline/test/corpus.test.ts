import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, parsePipeline, parseConfig, printPipeline } from '@chatops/logstash-pipeline';

const dir = (kind: string) => join(import.meta.dirname, 'corpus', kind);
const files = (kind: string) =>
  readdirSync(dir(kind))
    .filter((f) => f.endsWith('.conf'))
    .sort();

describe('valid corpus', () => {
  it.each(files('valid'))('%s parses, and printing is a fixed point', async (file) => {
    const text = readFileSync(join(dir('valid'), file), 'utf8');
    const result = parseConfig(text, { file });
    expect(result.diagnostics).toEqual([]);
    const config = result.config!;
    const printed = printPipeline(config);
    expect(parsePipeline(printed)).toEqual(config);
    expect(printPipeline(parsePipeline(printed))).toBe(printed);
    await expect(printed).toMatchFileSnapshot(`./__snapshots__/corpus/${file}`);
  });
});

// Where Logstash reports each error (Treetop's farthest failure for syntax errors, the node for compiler errors).
const INVALID: Record<string, string> = {
  'comma-between-attributes.conf': '2:23: syntax error',
  'one-letter-bareword.conf': '4:3: syntax error',
  'bareword-in-condition.conf': '2:23: syntax error',
  'duplicate-hash-key.conf': '3:18: duplicate hash key "a"',
  'comma-in-hash.conf': '2:37: syntax error',
  'comment-at-eof.conf': '2:24: syntax error',
  'unterminated-string.conf': '4:1: syntax error',
  'xor-with-and.conf': '2:6: "xor" cannot be combined',
  'quoted-plugin-name.conf': '2:3: plugin name "grok" must not be quoted',
  'string-truthiness.conf': '2:6: only a field reference can be tested',
  'unknown-section.conf': '1:7: syntax error',
  'not-tab-in.conf': '2:10: syntax error',
  'plugin-in-array.conf': '2:25: plugin "grok" can only be the value of an attribute',
  'regexp-on-string.conf': '2:6: the left side of =~ must be a field reference',
  'compare-array.conf': '2:13: a comparison operand must be',
  'method-call.conf': '2:6: method call len(...) is not supported',
};

describe('invalid corpus', () => {
  it('has an expectation for every file', () => {
    expect(files('invalid')).toEqual(Object.keys(INVALID).sort());
  });
  it.each(Object.entries(INVALID))('%s is rejected at %s', (file, expected) => {
    const text = readFileSync(join(dir('invalid'), file), 'utf8');
    const [d, ...rest] = lint(text, file);
    expect(rest).toEqual([]);
    expect(`${d?.line}:${d?.column}: ${d?.message}`.startsWith(expected), `${d?.line}:${d?.column}: ${d?.message}`).toBe(true);
  });
});

describe('error messages', () => {
  it('says what was expected and what was found', () => {
    expect(lint('input { beats { port => 5044, ssl_enabled => true } }\n', 'x.conf')).toMatchInlineSnapshot(`
      [
        {
          "column": 29,
          "file": "x.conf",
          "line": 1,
          "message": "syntax error: expected one of "#", ".", "{", "}", a digit, a name, whitespace; found "," (attributes and hash entries are separated by whitespace, not commas)",
          "path": [],
        },
      ]
    `);
    expect(lint('input {} # c', 'x.conf')[0]?.message).toMatchInlineSnapshot(
      `"syntax error: expected one of "\\n", "\\r", comment text; found end of input (a comment on the last line needs a final newline)"`,
    );
    expect(() => parsePipeline('filter { if "x" {} }', { file: 'x.conf' })).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: x.conf:1:13: only a field reference can be tested on its own, not a string]`,
    );
  });
});
