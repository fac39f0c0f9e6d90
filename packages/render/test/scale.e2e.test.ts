import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { type CliIo, runCli } from '@chatops/render';
import { REPO, cachedPki, tempDir, writeScaledEnvironment } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

describe('chatops-render at fleet scale', () => {
  it('renders a 300-node environment with every native checker run (no expression or config outgrows a checker)', async () => {
    using dir = tempDir('scale-300-');
    const config = join(dir.path, 'config');
    cpSync(join(REPO, 'examples/cloud-chatops/secrets'), join(config, 'secrets'), { recursive: true });
    const file = writeScaledEnvironment(config, 300);
    await cachedPki(file);
    let stdout = '';
    let stderr = '';
    // No node_modules/ above the temp dir: no checker cache, every checker runs; CI: a missing checker fails.
    const io: CliIo = { cwd: dir.path, env: { CI: 'true' }, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
    const code = await runCli(['scale-300', '--config', config, '--json'], io);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as { nodes: object; issuedCertificates: string[]; checks: { status: string; cached?: boolean }[] };
    expect(Object.keys(summary.nodes)).toHaveLength(300);
    expect(summary.issuedCertificates).toEqual([]);
    expect(summary.checks.length).toBeGreaterThan(0);
    expect(summary.checks.filter((c) => c.status !== 'passed' || c.cached)).toEqual([]);
    // Seconds on an idle machine; minutes when the suite shares two cores with other work or the PKI cache is cold.
  }, 240_000);
});
