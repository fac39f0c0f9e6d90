import {
  type FilebeatConfig,
  type InputsFile,
  parseFilebeatConfig,
  parseInputsFile,
  printFilebeatConfig,
  printInputsFile,
  re2Problem,
  validateFilebeatConfig,
  validateInputsFile,
} from '@chatops/filebeat-config';
import { errorMessage } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

/** A hand-written config touching most of the model. */
export const sample: FilebeatConfig = {
  name: 'web-1',
  tags: ['web'],
  filebeat: {
    inputs: [
      {
        type: 'filestream',
        id: 'app',
        paths: ['/var/log/app/*.log'],
        exclude_lines: ['^DEBUG'],
        parsers: [
          { ndjson: { target: '', overwrite_keys: true } },
          { multiline: { type: 'pattern', pattern: String.raw`^\[`, negate: true, match: 'after', max_lines: 200, timeout: '5s' } },
        ],
        prospector: { scanner: { check_interval: '10s', exclude_files: [String.raw`\.gz$`] } },
        close: { on_state_change: { inactive: '5m', removed: true } },
        clean_removed: true,
        ignore_older: '72h',
        clean_inactive: '96h',
        fields: { service: { name: 'app' } },
        fields_under_root: true,
        processors: [{ drop_event: { when: { regexp: { message: '^healthcheck' } } } }],
      },
      { type: 'journald', id: 'sshd', include_matches: { match: ['_SYSTEMD_UNIT=ssh.service'] }, seek: 'cursor', tags: ['ssh'] },
    ],
    config: { inputs: { enabled: true, path: '/etc/filebeat/inputs.d/*.yml', reload: { enabled: true, period: '10s' } } },
  },
  output: {
    logstash: {
      hosts: ['logstash.example.org:5044'],
      loadbalance: true,
      ssl: { enabled: true, certificate_authorities: ['/etc/ssl/ca.pem'], verification_mode: 'full' },
    },
  },
  processors: [
    { add_host_metadata: { netinfo: { enabled: false } } },
    { add_fields: { target: '', fields: { env: 'test' } } },
    { drop_fields: { fields: ['agent.ephemeral_id'], ignore_missing: true } },
  ],
  logging: { level: 'info', to_files: true, files: { path: '/var/log/filebeat', keepfiles: 7, permissions: '0640' } },
};

const DOTTED = `
filebeat.inputs:
  - type: filestream
    id: app
    paths: [/var/log/app/*.log]
    close.on_state_change.inactive: 5m
    prospector.scanner.check_interval: 10s
    parsers:
      - multiline:
          pattern: '^\\['
          negate: true
          match: after
    processors:
      - drop_event:
          when.not.regexp.container.name: '^chatops-1$'
filebeat.config.inputs:
  path: /etc/filebeat/inputs.d/*.yml
  reload.enabled: true
output.logstash:
  hosts: ["elastic-1:5044"]
  ssl.certificate_authorities: [/etc/ca.pem]
  ssl.verification_mode: full
logging.level: warning
`;

describe('native model', () => {
  it('prints a config that parses back to the same model', () => {
    const text = printFilebeatConfig(sample);
    expect(text.endsWith('\n')).toBe(true);
    expect(parseFilebeatConfig(text)).toEqual(validateFilebeatConfig(sample));
    expect(printFilebeatConfig(parseFilebeatConfig(text))).toBe(text);
  });

  it('reads the dotted spelling Filebeat users write, keeping condition field names dotted', () => {
    const config = parseFilebeatConfig(DOTTED);
    expect(config.output.logstash?.ssl).toEqual({ certificate_authorities: ['/etc/ca.pem'], verification_mode: 'full' });
    const input = config.filebeat.inputs?.[0];
    expect(input?.type === 'filestream' && input.close?.on_state_change?.inactive).toBe('5m');
    expect(input?.processors?.[0]).toEqual({ drop_event: { when: { not: { regexp: { 'container.name': '^chatops-1$' } } } } });
    expect(config.filebeat.config?.inputs?.reload).toEqual({ enabled: true });
    expect(config.logging?.level).toBe('warning');
  });

  it('round-trips external input files (a plain YAML list)', () => {
    const inputs: InputsFile = [
      { type: 'journald', id: 'prometheus', include_matches: { match: ['_SYSTEMD_UNIT=prometheus.service'] } },
      { type: 'filestream', id: 'grafana', paths: ['/var/log/grafana/grafana.log'] },
    ];
    const text = printInputsFile(inputs);
    expect(text.startsWith('- type: journald\n')).toBe(true);
    expect(parseInputsFile(text)).toEqual(inputs);
  });

  it('quotes what a YAML 1.1 reader would misread', () => {
    const text = printFilebeatConfig(sample);
    expect(text).toContain("permissions: '0640'");
  });
});

describe('invalid configs are rejected with their paths', () => {
  // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document the test edits in place at any depth
  const base = () => structuredClone(sample) as Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document the test edits in place at any depth
  const cases: [string, (c: Record<string, any>) => unknown][] = [
    ['unknown key', (c) => ((c.filebeat.inputs[0].pathz = ['/x']), c)],
    ['misplaced key: log-input multiline in filestream', (c) => ((c.filebeat.inputs[0].multiline = { pattern: '^x' }), c)],
    ['misplaced key: ssl at top level', (c) => ((c.ssl = { enabled: true }), c)],
    [
      'misplaced key: multiline options directly in parsers',
      (c) => ((c.filebeat.inputs[0].parsers = [{ pattern: '^x', match: 'after' }]), c),
    ],
    ['two outputs', (c) => ((c.output.console = { pretty: true }), c)],
    ['no output', (c) => ((c.output = {}), c)],
    ['unsupported output', (c) => ((c.output.kafka = { hosts: ['k:9092'] }), c)],
    ['duplicate ids', (c) => ((c.filebeat.inputs[1] = { ...c.filebeat.inputs[0] }), c)],
    ['lookahead in a multiline pattern', (c) => ((c.filebeat.inputs[0].parsers[1].multiline.pattern = String.raw`^\[(?=\d)`), c)],
    ['backreference in exclude_lines', (c) => ((c.filebeat.inputs[0].exclude_lines = [String.raw`(a)\1`]), c)],
    ['uncompilable regexp in a condition', (c) => ((c.filebeat.inputs[0].processors[0].drop_event.when.regexp.message = '[a-'), c)],
    ['multiline pattern without match', (c) => (delete c.filebeat.inputs[0].parsers[1].multiline.match, c)],
    ['two processors in one entry', (c) => ((c.processors[0].drop_fields = { fields: ['x'] }), c)],
    ['unknown input type', (c) => ((c.filebeat.inputs[1] = { type: 'log', id: 'old', paths: ['/var/log/*.log'] }), c)],
    ['bad journald match', (c) => ((c.filebeat.inputs[1].include_matches.match = ['systemd_unit=x']), c)],
    ['host without port', (c) => ((c.output.logstash.hosts = ['logstash.example.org']), c)],
    ['no inputs at all', (c) => (delete c.filebeat.inputs, delete c.filebeat.config, c)],
    ['dotted field name', (c) => ((c.filebeat.inputs[0].fields = { 'service.name': 'x' }), c)],
  ];
  const messages = Object.fromEntries(cases.map(([name, mutate]) => [name, errorMessage(() => validateFilebeatConfig(mutate(base())))]));

  it('names every problem', () => {
    expect(messages).toMatchInlineSnapshot(`
      {
        "backreference in exclude_lines": "filebeat.inputs.0.exclude_lines.0: backreference \\1 is not supported by RE2 (Go regexp)",
        "bad journald match": "filebeat.inputs.1.include_matches.match.0: expected a journal match FIELD=value, e.g. _SYSTEMD_UNIT=prometheus.service",
        "dotted field name": "filebeat.inputs.0.fields.service.name: key "service.name": Filebeat expands dotted keys: write nested objects instead of "a.b"",
        "duplicate ids": "filebeat.inputs.1.id: duplicate input id "app" (also input 0)",
        "host without port": "output.logstash.hosts.0: expected host:port (Filebeat would otherwise assume port 5044)",
        "lookahead in a multiline pattern": "filebeat.inputs.0.parsers.1.multiline.pattern: lookahead (?=...) is not supported by RE2 (Go regexp)",
        "misplaced key: log-input multiline in filestream": "filebeat.inputs.0.multiline: unknown key (a log-input option: in filestream write parsers: [{ multiline: { ... } }])",
        "misplaced key: multiline options directly in parsers": "filebeat.inputs.0.parsers.0.pattern: unknown key (a multiline option: write - multiline: { ... } in the parsers list)
      filebeat.inputs.0.parsers.0.match: unknown key (a multiline option: write - multiline: { ... } in the parsers list)
      filebeat.inputs.0.parsers.0: expected exactly one parser (one of container, multiline, ndjson, syslog)",
        "misplaced key: ssl at top level": "ssl: unknown key (an output option: it belongs under output.logstash)",
        "multiline pattern without match": "filebeat.inputs.0.parsers.1.multiline.match: required when type is pattern",
        "no inputs at all": "filebeat: no inputs: set filebeat.inputs or enable filebeat.config.inputs (Filebeat refuses to start)",
        "no output": "output: exactly one output must be enabled, found none",
        "two outputs": "output: exactly one output must be enabled, found 2: output.logstash, output.console",
        "two processors in one entry": "processors.0: expected exactly one processor per entry, found add_host_metadata and drop_fields",
        "uncompilable regexp in a condition": "filebeat.inputs.0.processors.0.drop_event.when.regexp.message: invalid RE2 regular expression: missing closing ]: \`[a-\`",
        "unknown input type": "filebeat.inputs.1.type: unsupported input type: expected type filestream or journald",
        "unknown key": "filebeat.inputs.0.pathz: unknown key",
        "unsupported output": "output.kafka: unknown key (unsupported output: this model knows output.logstash, output.file and output.console)",
      }
    `);
  });

  it('reports line numbers when parsing text', () => {
    const text = DOTTED.replace('ssl.verification_mode: full', 'ssl.verification_mode: fulll').replace(
      'reload.enabled: true',
      'reload.enable: true',
    );
    expect(errorMessage(() => parseFilebeatConfig(text, { file: 'filebeat.yml' }))).toMatchInlineSnapshot(`
      "filebeat.yml:18: filebeat.config.inputs.reload.enable: unknown key
      filebeat.yml:22: output.logstash.ssl.verification_mode: Invalid option: expected one of "full"|"strict"|"certificate"|"none""
    `);
  });

  it('rejects a key set both dotted and nested', () => {
    expect(
      errorMessage(() => parseFilebeatConfig('output.logstash.hosts: ["a:1"]\noutput:\n  logstash:\n    hosts: ["b:2"]\n')),
    ).toMatchInlineSnapshot(`"output.logstash.hosts: key set twice (dotted and nested spellings of the same key)"`);
  });

  it('rejects duplicate ids and non-lists in input files', () => {
    expect(
      errorMessage(() =>
        validateInputsFile([
          { type: 'journald', id: 'a' },
          { type: 'journald', id: 'a' },
        ]),
      ),
    ).toMatchInlineSnapshot(`"1.id: duplicate input id "a" (also input 0)"`);
    expect(errorMessage(() => parseInputsFile('filebeat.inputs:\n  - type: journald\n    id: a\n'))).toMatchInlineSnapshot(
      `"an input file must be a plain YAML list of inputs (no filebeat.inputs key)"`,
    );
  });
});

describe('RE2 checks', () => {
  it.each([
    [String.raw`^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}\]`, undefined],
    ['(?i)error|warn', undefined],
    ['(?P<level>INFO|WARN)', undefined],
    ['[(?=]', undefined],
    [String.raw`\(?=x`, undefined],
  ])('accepts %s', (pattern, expected) => {
    expect(re2Problem(pattern)).toBe(expected);
  });

  it('names what RE2 lacks', () => {
    expect(
      [
        'a(?=b)',
        'a(?!b)',
        '(?<=a)b',
        '(?<!a)b',
        String.raw`(a)\1`,
        String.raw`(?<x>a)\k<x>`,
        '(?>a)',
        'a++',
        '(?<name>a)',
        '[a-',
        'a{2,1}',
      ].map((p) => `${p}  ->  ${re2Problem(p)}`),
    ).toMatchInlineSnapshot(`
      [
        "a(?=b)  ->  lookahead (?=...) is not supported by RE2 (Go regexp)",
        "a(?!b)  ->  negative lookahead (?!...) is not supported by RE2 (Go regexp)",
        "(?<=a)b  ->  lookbehind (?<=...) is not supported by RE2 (Go regexp)",
        "(?<!a)b  ->  negative lookbehind (?<!...) is not supported by RE2 (Go regexp)",
        "(a)\\1  ->  backreference \\1 is not supported by RE2 (Go regexp)",
        "(?<x>a)\\k<x>  ->  named group (?<name>...) needs Go 1.22; write (?P<name>...)",
        "(?>a)  ->  atomic group (?>...) is not supported by RE2 (Go regexp)",
        "a++  ->  possessive quantifier ++ is not supported by RE2 (Go regexp)",
        "(?<name>a)  ->  named group (?<name>...) needs Go 1.22; write (?P<name>...)",
        "[a-  ->  invalid RE2 regular expression: missing closing ]: \`[a-\`",
        "a{2,1}  ->  invalid RE2 regular expression: invalid repeat count: \`{2,1}\`",
      ]
    `);
  });
});
