import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  argsFlags,
  argsVariable,
  parseArgsVariable,
  parseEnvFile,
  printEnvFile,
  quoteWord,
  splitExecLine,
} from '@chatops/core';
import { type Plugin, config, parsePipeline, plugin, printPipeline, section } from '@chatops/logstash-pipeline';
import { parsePromql, promqlString } from '@chatops/prometheus-common';
import { requireBinary, run, tempDir } from '@chatops/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { word } from '../packages/haproxy-config/src/_tokens.js';
import { haproxyWords } from './rendered-structure.js';

// Issue #12, one escaping layer per output format: each printer's output, read back by that format's reader,
// is exactly the value printed (never two words, a comment, an expansion or a line of its own). Values are the
// hostile characters of the property test around random text; fixed seed.

// Control characters (tabs, line breaks) are refused by every printer and at load time.
const HOSTILE = [
  ' ',
  '"',
  "'",
  '`',
  '\\',
  '$',
  '${X}',
  '%',
  '%i',
  '#',
  ';',
  '=',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ',',
  '|',
  '&',
  '<',
  '>',
  '*',
  '?',
  '!',
  '~',
  'é',
  '\u00a0',
  '\u{1F600}',
];
const text = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE, 'a', 'B', '1', '.', '-', '/'), { minLength: 1, maxLength: 10 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }).filter((s) => !/[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(s)),
);
const RUNS = { seed: 12, numRuns: 300 };

describe('escaping, one printer per output format', () => {
  it('HAProxy tokens: a printed word reads back as that one word (blanks, #, quotes, backslashes, $ in double quotes)', () => {
    fc.assert(
      fc.property(text, (v) => {
        expect(haproxyWords(`http-response set-header X-Test ${word(v)} # comment`)).toEqual(['http-response', 'set-header', 'X-Test', v]);
      }),
      RUNS,
    );
    expect(() => word('a\nb')).toThrow(/line breaks/);
  });

  it('HAProxy tokens: haproxy -c accepts them (its own tokenizer: no stray quote, comment or expansion)', () => {
    const haproxy = requireBinary('haproxy');
    using dir = tempDir();
    const values = fc.sample(text, { seed: 12, numRuns: 200 });
    // ACL patterns after `--` are literal words: the tokenizer alone decides what HAProxy reads.
    const cfg = [
      'defaults',
      '  mode http',
      '  timeout client 1s',
      '  timeout server 1s',
      '  timeout connect 1s',
      'frontend f',
      '  bind 127.0.0.1:10001', // never bound: -c only parses
      '  default_backend b',
      'backend b',
      ...values.map((v, i) => `  acl v${i} req.hdr(x-test) -m str -- ${word(v)} # comment`),
      ...values.map((_, i) => `  http-request deny if v${i}`),
      '  server s 127.0.0.1:1',
    ].join('\n');
    writeFileSync(join(dir.path, 'h.cfg'), `${cfg}\n`);
    const r = run(haproxy, ['-c', '-f', join(dir.path, 'h.cfg')]);
    expect(r.status, r.stderr).toBe(0);
  });

  it('Logstash strings: a printed string setting parses back to the same string (quotes, backslashes, ${})', () => {
    fc.assert(
      fc.property(text, (v) => {
        let printed: string;
        try {
          printed = printPipeline(config(section('output', [plugin('stdout', { id: v })])));
        } catch (e) {
          // What the grammar cannot hold (both quotes, a trailing backslash) is refused, never mangled.
          expect(e).toBeInstanceOf(ConfigError);
          expect(/["']/.test(v) || v.endsWith('\\')).toBe(true);
          return;
        }
        const parsed = parsePipeline(printed);
        const stdout = parsed.sections[0]!.body[0] as Plugin;
        expect(stdout.attributes[0]!.value).toEqual({ kind: 'string', value: v });
      }),
      RUNS,
    );
  });

  it('PromQL label values: a printed string literal parses back to the same value (quotes, backslashes, any Unicode)', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'binary', maxLength: 12 })), (v) => {
        const parsed = parsePromql(`up{job=${promqlString(v)}}`);
        expect(parsed.errors).toEqual([]);
        expect(parsed.selectors[0]!.matchers.find((m) => m.name === 'job')?.value).toBe(v);
      }),
      RUNS,
    );
  });

  it('systemd Exec words: a quoted word splits back to that one word (% and $ escaped, quotes, backslashes)', () => {
    fc.assert(
      fc.property(text, (v) => {
        expect(splitExecLine(`/bin/echo ${quoteWord(v)} ${quoteWord(';')}`).argv).toEqual(['/bin/echo', v, ';']);
      }),
      RUNS,
    );
  });

  it('EnvironmentFile values: a printed variable parses back to the same value', () => {
    fc.assert(
      fc.property(text, (v) => {
        expect(parseEnvFile(printEnvFile({ A: v, B: 'b' }))).toEqual({ A: v, B: 'b' });
      }),
      RUNS,
    );
  });

  it('EnvironmentFile ARGS: the words and flags printed come back as systemd splits them', () => {
    const flagWord = fc.stringMatching(/^[^\s\u0000-\u001f\u007f\u0085\u2028\u2029]+$/);
    fc.assert(
      fc.property(fc.array(flagWord, { minLength: 1, maxLength: 6 }), (values) => {
        const words = values.map((v, i) => `--flag.${i}=${v}`);
        const back = parseArgsVariable(parseEnvFile(printEnvFile({ ARGS: argsVariable(words) })).ARGS ?? '');
        expect(back).toEqual(words);
        expect(Object.values(argsFlags(back))).toEqual(values);
      }),
      RUNS,
    );
  });
});
