import TOML from '@iarna/toml';
import fc from 'fast-check';
import { YAML11_SCHEMA, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { toIni, toToml, toYaml } from '@chatops/core';

describe('toYaml', () => {
  it('quotes every string a YAML 1.1 reader would take for a boolean, number, null or time', () => {
    const tricky = [
      'on',
      'off',
      'yes',
      'no',
      'y',
      'n',
      'On',
      'NO',
      '0755',
      '1:30',
      '~',
      'null',
      '1e3',
      '0x1F',
      '.inf',
      '1_000',
      '2020-01-01',
      '',
    ];
    const doc = Object.fromEntries(tricky.map((s, i) => [`k${i}`, s]));
    const text = toYaml(doc);
    expect(load(text, { schema: YAML11_SCHEMA })).toEqual(doc);
    expect(load(text)).toEqual(doc);
  });

  it('round-trips arbitrary string maps through a YAML 1.1 reader', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 })), (doc) => {
        expect(load(toYaml(doc), { schema: YAML11_SCHEMA })).toEqual(doc);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic, keeps insertion order, drops undefined and never folds long lines', () => {
    const long = 'x'.repeat(200);
    const value = { b: 1, a: { z: undefined, y: [long] } };
    expect(toYaml(value)).toBe(toYaml(structuredClone(value)));
    expect(toYaml(value, { header: 'Rendered by @chatops.\nDo not edit.' })).toMatchInlineSnapshot(`
      "# Rendered by @chatops.
      # Do not edit.
      b: 1
      a:
        'y':
          - ${long}
      "
    `);
  });
});

describe('toToml', () => {
  it('prints tables after plain keys and parses back', () => {
    const doc = { title: 'x', server: { port: 8080, hosts: ['a', 'b'] } };
    const text = toToml(doc);
    expect(text.endsWith('\n')).toBe(true);
    expect(TOML.parse(text)).toEqual(doc);
  });
});

describe('toIni', () => {
  it('prints sections in order with the root section first', () => {
    expect(
      toIni({ server: { http_port: 3000, enforce_domain: false }, '': { app_mode: 'production' }, empty: {} }, { header: 'generated' }),
    ).toMatchInlineSnapshot(`
        "; generated
        app_mode = production

        [server]
        http_port = 3000
        enforce_domain = false
        "
      `);
  });

  it('writes every single-line value so that go-ini (Grafana) reads it back unchanged: comment characters, quotes, blanks, a trailing backslash', () => {
    const tricky = ['a#b', 'x;y', '"q"', "'q'", '`b`', '"""', 'end\\', ' lead', 'trail ', '', 'plain value', 'https://h/p?q=1&r=$x'];
    const doc = { s: Object.fromEntries(tricky.map((v, i) => [`k${i}`, v])) };
    expect(readGoIni(toIni(doc))).toEqual(doc);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '#', ';', '"', "'", '`', '\\', '=', '[', ']', '$') }), (v) => {
        expect(readGoIni(toIni({ s: { k: v } }))).toEqual({ s: { k: v } });
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('rejects values that would break the line-based format', () => {
    expect(() => toIni({ s: { k: 'a\nb' } })).toThrowErrorMatchingInlineSnapshot(`[Error: INI value for s.k contains a newline]`);
    expect(() => toIni({ s: { 'bad key': 1 } })).toThrowErrorMatchingInlineSnapshot(
      `[Error: INI key "bad key" in [s] has characters INI readers reject]`,
    );
  });
});

/** go-ini's value reader with its default options (what Grafana loads grafana.ini with), for single-line values. */
function readGoIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      section = line.slice(1, line.indexOf(']'));
      continue;
    }
    const eq = line.indexOf('=');
    let value = line.slice(eq + 1).replace(/^\s+/, '');
    const quote = value.length > 3 && value.startsWith('"""') ? '"""' : value.startsWith('`') ? '`' : undefined;
    if (quote) {
      const end = value.slice(quote.length).lastIndexOf(quote);
      if (end < 0) throw new Error(`multi-line value: ${raw}`);
      value = value.slice(quote.length, quote.length + end);
    } else {
      value = value.trim();
      if (value.endsWith('\\')) throw new Error(`continuation line: ${raw}`);
      const comment = value.search(/[#;]/);
      if (comment >= 0) value = value.slice(0, comment).trim();
      if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) value = value.slice(1, -1);
    }
    (out[section] ??= {})[line.slice(0, eq).trim()] = value;
  }
  return out;
}
