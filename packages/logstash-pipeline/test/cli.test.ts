import { join } from 'node:path';
import { run } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const cli = (...args: string[]) =>
  run('npx', ['tsx', '--conditions=@chatops/source', 'packages/logstash-pipeline/src/cli.ts', ...args], { cwd: root });

describe('logstash-pipeline lint', () => {
  it('exits 0 on clean files and 1 with file:line:col messages on errors', async () => {
    const ok = await cli(
      'lint',
      'packages/logstash-pipeline/test/corpus/valid/01-beats-es.conf',
      'packages/logstash-pipeline/test/corpus/valid/03-conditionals.conf',
    );
    expect([ok.status, ok.stdout]).toEqual([0, '']);
    const bad = await cli(
      'lint',
      'packages/logstash-pipeline/test/corpus/valid/01-beats-es.conf',
      'packages/logstash-pipeline/test/corpus/invalid/comma-between-attributes.conf',
      'packages/logstash-pipeline/test/corpus/invalid/duplicate-hash-key.conf',
    );
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatchInlineSnapshot(`
      "packages/logstash-pipeline/test/corpus/invalid/comma-between-attributes.conf:2:23: syntax error: expected one of "#", ".", "{", "}", a digit, a name, whitespace; found "," (attributes and hash entries are separated by whitespace, not commas)
      packages/logstash-pipeline/test/corpus/invalid/duplicate-hash-key.conf:3:18: duplicate hash key "a"
      "
    `);
  });

  it('exits 2 on usage errors and unreadable files', async () => {
    expect((await cli()).status).toBe(2);
    const missing = await cli('lint', 'no/such.conf');
    expect([missing.status, missing.stderr.trim()]).toEqual([2, 'no/such.conf: cannot read: ENOENT']);
  });
});
