import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines, tempDir } from '@chatops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeployFixture, deployFixture } from './_fixture.js';

const LB = ['--node', 'lb-1'];

/** The section of the report page that lists the pending changes. */
function pendingSection(html: string): string {
  const match = /<section id="pending">([\s\S]*?)<\/section>/.exec(html);
  if (!match) throw new Error('no pending changes section in the report');
  return match[1]!;
}

// Each CLI run renders the environment first (~1 s on a quiet machine, ~8 s at a load average of 30): tests making
// several runs get more than the default 60 s.
describe('chatops-deploy plan --report (real sshd node; systemctl is a recording STAND-IN)', { timeout: 180_000 }, () => {
  const dir = tempDir('chatops-deploy-report-');
  let f: DeployFixture;
  const report = () => join(dir.path, 'out/loopback/report/index.html');

  beforeAll(async () => {
    f = await deployFixture(dir.path, 67);
  });
  afterAll(async () => {
    await f?.[Symbol.asyncDispose]();
    dir[Symbol.dispose]();
  });

  it('writes the render report with the pending changes per node: files to create, units to fire; secrets named, never shown', async () => {
    const p = await f.deploy(['plan', 'loopback', ...LB, '--report']);
    expect(p.stderr).toBe('');
    expect(p.code).toBe(2);
    expect(p.stdout).toMatch(/^report: out\/loopback\/report\/index\.html$/m);
    const html = readFileSync(report(), 'utf8');
    // The render's report, with the plan's section added.
    for (const id of ['diagram-services', 'routes', 'certificates', 'alerts', 'files']) expect(html).toContain(`id="${id}"`);
    const pending = pendingSection(html);
    expect(pending).toMatch(/<h3 id="pending-lb-1">lb-1<\/h3>/);
    expect(pending).toMatch(/<code>[^<]*\/etc\/haproxy\/haproxy\.cfg<\/code><\/td><td>haproxy<\/td><td>created<\/td>/);
    expect(pending).toMatch(/haproxy<\/strong>: reload haproxy\.service|haproxy<\/strong>: restart haproxy\.service/);
    expect(pending).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    expect(html).not.toMatch(/PRIVATE KEY/);

    // After an apply, a plan with a change shows it (and its diff), and nothing for the rest.
    const applied = await f.deploy(['apply', 'loopback', '--yes', ...LB]);
    expect(applied.code).toBe(0);
    f.editEnvironment((doc) => {
      doc.users.push({ name: 'ops2', passwordHash: '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy' });
    });
    const second = await f.deploy(['plan', 'loopback', ...LB, '--report', '--json']);
    expect(second.code).toBe(2);
    expect(jsonLines(second.stdout)).toContainEqual({ type: 'report', path: 'out/loopback/report/index.html' });
    const changed = pendingSection(readFileSync(report(), 'utf8'));
    expect(changed).toMatch(/haproxy\.cfg<\/code><\/td><td>haproxy<\/td><td>changed<details><summary>diff<\/summary><pre>[\s\S]*ops2/);
    expect(changed).not.toContain('created');
  });

  it('without --report writes no report', async () => {
    const before = existsSync(report()) ? readFileSync(report(), 'utf8') : undefined;
    const p = await f.deploy(['plan', 'loopback', ...LB]);
    expect(p.stdout).not.toMatch(/^report:/m);
    expect(existsSync(report()) ? readFileSync(report(), 'utf8') : undefined).toBe(before);
  });
});
