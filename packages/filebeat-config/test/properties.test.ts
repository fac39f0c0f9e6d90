import fc from 'fast-check';
import {
  type FilebeatConfig,
  type Input,
  expandDottedKeys,
  parseFilebeatConfig,
  parseInputsFile,
  printFilebeatConfig,
  printInputsFile,
} from '@chatops/filebeat-config';
import { describe, expect, it } from 'vitest';

const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/);
const text = fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0'));
const path = fc.array(name, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
const duration = fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('ms', 's', 'm', 'h')).map(([n, u]) => `${n}${u}`);
// RE2-valid patterns: escaped literal text, optionally anchored.
const pattern = fc
  .tuple(
    fc.boolean(),
    text.filter((s) => s.length > 0),
  )
  .map(([anchor, s]) => `${anchor ? '^' : ''}${s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')}`);
const fieldValue = fc.oneof(text, fc.integer(), fc.boolean());

const filestream = fc.record(
  {
    type: fc.constant('filestream' as const),
    id: name,
    paths: fc.array(path, { minLength: 1, maxLength: 3 }),
    exclude_lines: fc.array(pattern, { maxLength: 2 }),
    parsers: fc.array(
      fc.oneof(
        fc.record({ container: fc.record({ format: fc.constantFrom('auto' as const, 'docker' as const, 'cri' as const) }) }),
        fc.record({
          multiline: fc.record({
            type: fc.constant('pattern' as const),
            pattern,
            negate: fc.boolean(),
            match: fc.constantFrom('after' as const, 'before' as const),
            timeout: duration,
          }),
        }),
        fc.record({ ndjson: fc.record({ target: fc.constantFrom('', 'json') }, { requiredKeys: [] }) }),
      ),
      { maxLength: 3 },
    ),
    close: fc.record(
      { on_state_change: fc.record({ inactive: duration, removed: fc.boolean() }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    ),
    fields: fc.dictionary(name, fieldValue, { maxKeys: 3 }),
    fields_under_root: fc.boolean(),
    tags: fc.array(name, { maxLength: 2 }),
  },
  { requiredKeys: ['type', 'id', 'paths'] },
);
const journald = fc.record(
  {
    type: fc.constant('journald' as const),
    id: name,
    include_matches: fc.record({
      match: fc.array(
        name.map((u) => `_SYSTEMD_UNIT=${u}.service`),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    seek: fc.constantFrom('head' as const, 'tail' as const, 'cursor' as const),
  },
  { requiredKeys: ['type', 'id'] },
);
const inputs = fc.uniqueArray(fc.oneof(filestream, journald), { selector: (i) => i.id, maxLength: 4 }) as fc.Arbitrary<Input[]>;

describe('printer and parser', () => {
  it('print -> parse is the identity on valid input files, and printing is stable', () => {
    fc.assert(
      fc.property(inputs, (list) => {
        const printed = printInputsFile(list);
        expect(parseInputsFile(printed)).toEqual(list);
        expect(printInputsFile(parseInputsFile(printed))).toBe(printed);
      }),
      { numRuns: 150 },
    );
  });

  it('print -> parse is the identity on whole configs', () => {
    const config = fc.record({
      filebeat: fc.record({ inputs: inputs.filter((l) => l.length > 0) }),
      output: fc.record({
        logstash: fc.record(
          {
            hosts: fc.array(
              fc
                .tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/), fc.integer({ min: 1, max: 65535 }))
                .map(([h, p]) => `${h}:${p}`),
              { minLength: 1, maxLength: 3 },
            ),
            loadbalance: fc.boolean(),
            ssl: fc.record({
              enabled: fc.boolean(),
              certificate_authorities: fc.array(path, { minLength: 1, maxLength: 2 }),
              verification_mode: fc.constantFrom('full' as const, 'strict' as const),
            }),
          },
          { requiredKeys: ['hosts'] },
        ),
      }),
    }) as fc.Arbitrary<FilebeatConfig>;
    fc.assert(
      fc.property(config, (c) => {
        expect(parseFilebeatConfig(printFilebeatConfig(c))).toEqual(c);
      }),
      { numRuns: 100 },
    );
  });

  it('dotted and nested spellings expand to the same document', () => {
    const leaf = fc.oneof(fc.integer(), fc.boolean(), name);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.array(name, { minLength: 1, maxLength: 3 }).map((p) => p.join('.')),
          leaf,
          { maxKeys: 6 },
        ),
        (dotted) => {
          const { value, conflicts } = expandDottedKeys(dotted);
          if (conflicts.length > 0) return;
          for (const [key, v] of Object.entries(dotted)) {
            const got = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], value);
            expect(got).toEqual(v);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
