import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@chatops/core';
import { loadEnvironment } from '@chatops/environment';
import { describe, expect, it } from 'vitest';

const EXAMPLES = join(__dirname, '../../../examples/cloud-chatops/environments');
const prodSource = readFileSync(join(EXAMPLES, 'prod.yaml'), 'utf8');

/** Loads `source` as prod.yaml in a scratch dir; returns the error lines. */
function errorsOf(source: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'env-safety-'));
  writeFileSync(join(dir, 'prod.yaml'), source);
  try {
    loadEnvironment('prod.yaml', { cwd: dir, env: {} });
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected the environment to be rejected');
}

// Issue #12: values that no output format can carry are refused where they are written, with file:line: path.
describe('values that cannot be written safely are refused at load time', () => {
  it('an onNode path with a newline (it injected ExecStartPre= into the Logstash drop-in)', () => {
    const source = prodSource.replace(
      'logstashPassword: { onNode: /etc/chatops/secrets/logstash-writer-password }',
      `logstashPassword: { onNode: "/etc/chatops/secrets/lw\\nExecStartPre=/bin/sh -c 'touch /tmp/pwned'" }`,
    );
    expect(errorsOf(source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:106: elastic.logstashPassword.onNode: expected an absolute path of letters, digits and / . _ - + @ , : ~; found a newline",
      ]
    `);
  });

  it('an onNode path with a space, and a data path with a space', () => {
    const source = prodSource
      .replace('{ onNode: /etc/chatops/secrets/github-token }', '{ onNode: "/etc/chatops/secrets/github token" }')
      .replace('evaluationInterval: 15s', 'evaluationInterval: 15s\n  dataPath: /var/lib/prometheus data');
    expect(errorsOf(source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:95: chatops.secrets.GITHUB_TOKEN.onNode: expected an absolute path of letters, digits and / . _ - + @ , : ~; found a space",
        "prod.yaml:101: prometheus.dataPath: expected an absolute path of letters, digits and / . _ - + @ , : ~; found a space",
      ]
    `);
  });

  it('a pathPrefix with a newline, a % or a line separator', () => {
    const with_ = (prefix: string) => prodSource.replace('domain: cloud', `pathPrefix: ${JSON.stringify(prefix)}\ndomain: cloud`);
    expect([...errorsOf(with_('/srv/{node}\nx')), ...errorsOf(with_('/srv/50%')), ...errorsOf(with_('/srv/a\u2028b'))]).toMatchInlineSnapshot(`
      [
        "prod.yaml:6: pathPrefix: expected an absolute path of letters, digits and / . _ - + @ , : ~; found a newline",
        "prod.yaml:6: pathPrefix: expected an absolute path of letters, digits and / . _ - + @ , : ~; found "%"",
        "prod.yaml:6: pathPrefix: expected an absolute path of letters, digits and / . _ - + @ , : ~; found U+2028",
      ]
    `);
  });
});
