import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDesired } from '@chatops/deploy';
import { requireBinary, tempDir } from '@chatops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYED, type DeployFixture, deployFixture } from './_fixture.js';

const only = DEPLOYED.flatMap((n) => ['--node', n]);

// `npm run e2e` (minutes: ansible-core forks a Python interpreter per task on every node). The exported playbook
// runs with Debian's ansible-core against real sshd nodes on loopback, logging in as the plain test user
// (-e chatops_set_owners=false); systemctl is the recording STAND-IN; then deploy's own plan must find nothing to
// do there: the same bytes and modes as apply would have written.
describe('chatops-deploy export-ansible converges like apply', { timeout: 900_000 }, () => {
  const dir = tempDir('chatops-deploy-ansible-e2e-');
  let f: DeployFixture;
  // Ansible's remote temp files: a directory of /tmp the test login can write, removed afterwards.
  const remoteTmp = mkdtempSync(join(tmpdir(), 'chatops-ansible-'));

  beforeAll(async () => {
    requireBinary('ansible-playbook');
    f = await deployFixture(dir.path, 65, { chatopsNodes: 1 });
  });
  afterAll(async () => {
    await f?.[Symbol.asyncDispose]();
    rmSync(remoteTmp, { recursive: true, force: true });
    dir[Symbol.dispose]();
  });

  it('ansible-playbook on lb-1 and monitoring-1 exits 0; deploy plan then finds nothing to do there', async () => {
    const out = join(dir.path, 'ansible');
    const exported = await f.deploy(['export-ansible', 'loopback', '--out', out]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    chmodSync(remoteTmp, 0o1777);
    const run = spawnSync(
      'ansible-playbook',
      ['-i', 'inventory.ini', 'playbook.yml', '--limit', DEPLOYED.join(','), '-e', 'chatops_set_owners=false'],
      {
        cwd: out,
        encoding: 'utf8',
        timeout: 800_000,
        env: {
          ...process.env,
          ANSIBLE_NOCOLOR: '1',
          ANSIBLE_PIPELINING: '1',
          ANSIBLE_HOME: join(dir.path, 'ansible-home'),
          ANSIBLE_LOCAL_TEMP: join(dir.path, 'ansible-local'),
          ANSIBLE_REMOTE_TMP: remoteTmp,
          ANSIBLE_RETRY_FILES_ENABLED: '0',
        },
      },
    );
    expect(run.status, `${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`).toBe(0);
    expect(run.stdout).toMatch(/^lb-1 +: ok=\d+ +changed=\d+ +unreachable=0 +failed=0/m);
    expect(run.stdout).toMatch(/^monitoring-1 +: ok=\d+ +changed=\d+ +unreachable=0 +failed=0/m);
    // The same bytes as the render, at the same paths.
    const { desired } = await loadDesired('loopback', { cwd: dir.path, env: {}, config: f.loopback.file });
    for (const s of desired.steps.filter((x) => (DEPLOYED as readonly string[]).includes(x.node)))
      for (const file of s.files) expect(readFileSync(file.artifact.path, 'utf8'), file.artifact.path).toBe(file.artifact.content);
    const plan = await f.deploy(['plan', 'loopback', ...only]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^lb-1: nothing to do/m);
    expect(plan.stdout).toMatch(/^monitoring-1: nothing to do/m);
  });
});
