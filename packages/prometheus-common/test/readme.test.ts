import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(__dirname, '../../..');
const EXAMPLE = join(__dirname, '../examples/quick-start.ts');

describe('README', () => {
  it('shows examples/quick-start.ts, which runs and prints what its comments say', () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    expect(/```ts\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(readFileSync(EXAMPLE, 'utf8'));
    const r = spawnSync(join(REPO, 'node_modules/.bin/tsx'), ['--conditions=@chatops/source', EXAMPLE], {
      encoding: 'utf8',
      cwd: REPO,
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [selector, parsed, ...web] = r.stdout.split('\n');
    expect(selector).toBe(String.raw`up{job="node-exporter",node=~"web-1|web\\.2"}`);
    expect(parsed).toBe("0 [ 'node' ]");
    expect(web.join('\n')).toContain('client_auth_type: RequireAndVerifyClientCert\n');
  });
});
