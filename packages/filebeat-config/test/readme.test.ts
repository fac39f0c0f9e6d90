import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type FilebeatConfig,
  type Input,
  type InputsFile,
  parseFilebeatConfig,
  printFilebeatConfig,
  printInputsFile,
} from '@chatops/filebeat-config';
import type { filebeatConfigSchema } from '../src/filebeat-config.js';
import type { z } from 'zod';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('README', () => {
  const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');

  it("'s native-model example is a valid config that round-trips", () => {
    // Same object as the README's first example (kept in sync by the assertion on the README text below).
    const config: FilebeatConfig = {
      filebeat: {
        inputs: [
          {
            type: 'filestream',
            id: 'app',
            paths: ['/var/lib/docker/containers/*/*-json.log'],
            parsers: [
              { container: { format: 'docker' } },
              { multiline: { type: 'pattern', pattern: String.raw`^\[\d{4}-\d{2}-\d{2} `, negate: true, match: 'after' } },
            ],
            fields: { service: { name: 'app' } },
            fields_under_root: true,
          },
        ],
        config: { inputs: { path: '/etc/filebeat/inputs.d/*.yml', reload: { enabled: true, period: '10s' } } },
      },
      output: {
        logstash: {
          hosts: ['logstash-1.internal.example.org:5044'],
          ssl: { enabled: true, certificate_authorities: ['/etc/chatops/tls/ca.pem'], verification_mode: 'full' },
        },
      },
    };
    expect(readme).toContain("hosts: ['logstash-1.internal.example.org:5044'],");
    expect(readme).toContain("pattern: String.raw`^\\[\\d{4}-\\d{2}-\\d{2} `, negate: true, match: 'after'");
    const text = printFilebeatConfig(config);
    expect(parseFilebeatConfig(text)).toEqual(config);
    expect(
      printInputsFile([{ type: 'journald', id: 'prometheus', include_matches: { match: ['_SYSTEMD_UNIT=prometheus.service'] } }]),
    ).toMatchInlineSnapshot(`
      "- type: journald
        id: prometheus
        include_matches:
          match:
            - _SYSTEMD_UNIT=prometheus.service
      "
    `);
  });

  it('public types come from the zod model', () => {
    expectTypeOf<FilebeatConfig>().toEqualTypeOf<z.infer<typeof filebeatConfigSchema>>();
    expectTypeOf<InputsFile>().toEqualTypeOf<Input[]>();
    expectTypeOf<Input['type']>().toEqualTypeOf<'filestream' | 'journald'>();
  });
});
