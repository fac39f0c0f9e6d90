import TOML from '@iarna/toml';
import fc from 'fast-check';
import { YAML11_SCHEMA, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { toIni, toToml, toYaml } from '@chatops/core';

describe('toYaml', () => {
  it('quotes every string a YAML 1.1 reader would take for a boolean, number, null or time', () => {
    const tricky = ['on', 'off', 'yes', 'no', 'y', 'n', 'On', 'NO', '0755', '1:30', '~', 'null', '1e3', '0x1F', '.inf', '1_000', '2020-01-01', ''];
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
    expect(toIni({ server: { http_port: 3000, enforce_domain: false }, '': { app_mode: 'production' }, empty: {} }, { header: 'generated' }))
      .toMatchInlineSnapshot(`
        "; generated
        app_mode = production

        [server]
        http_port = 3000
        enforce_domain = false
        "
      `);
  });

  it('rejects values that would break the line-based format', () => {
    expect(() => toIni({ s: { k: 'a\nb' } })).toThrowErrorMatchingInlineSnapshot(`[Error: INI value for s.k contains a newline]`);
    expect(() => toIni({ s: { 'bad key': 1 } })).toThrowErrorMatchingInlineSnapshot(`[Error: INI key "bad key" in [s] has characters INI readers reject]`);
  });
});
