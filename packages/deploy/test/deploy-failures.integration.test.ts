import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@chatops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeployFixture, deployFixture, snapshotNode } from './_fixture.js';

const LB = ['--node', 'lb-1'];
const ADMIN_HASH = '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy';

/** Rejects after `ms` so a stuck step fails the test instead of hanging it. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function waitForFile(path: string, ms: number): Promise<string> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      if (text.endsWith('\n')) return text;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} did not appear within ${ms} ms`);
}

/** The process group of `pid` (the node-side script is a session leader under sshd: its group holds its children). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

// Let's Encrypt mode, so the public bundle is createOnly (certbot owns it after the bootstrap). The init system
// cannot run here: systemctl is a recording STAND-IN that can be told to fail or hang; haproxy -c is the real one.
// Each CLI run renders the environment first (~1 s on a quiet machine, ~8 s at a load average of 30): tests making
// several runs get more than the default 60 s.
describe('chatops-deploy failures on a real sshd node (systemctl is a recording STAND-IN)', { timeout: 180_000 }, () => {
  const dir = tempDir('chatops-deploy-fail-');
  let f: DeployFixture;
  const root = () => f.loopback.nodeRoot('lb-1');
  const onLb = (path: string) => join(root(), path);
  const bundle = () => onLb('etc/haproxy/certs/chatops.test.pem');
  const calls = () =>
    f.sshd
      .node('lb-1')
      .systemctlCalls()
      .map((c) => c.args.join(' '));
  let users = 1;
  const addUser = () =>
    f.editEnvironment((doc) => {
      doc.users.push({ name: `ops${users++}`, passwordHash: ADMIN_HASH });
    });

  beforeAll(async () => {
    f = await deployFixture(dir.path, 62);
    f.editEnvironment((doc) => {
      doc.tls.public = { mode: 'letsencrypt', email: 'ops@chatops.test' };
    });
    const first = await f.deploy(['apply', 'loopback', '--yes', ...LB]);
    if (first.code !== 0) throw new Error(`first apply failed:\n${first.stdout}\n${first.stderr}`);
  });
  afterAll(async () => {
    await f?.[Symbol.asyncDispose]();
    dir[Symbol.dispose]();
  });

  it('a createOnly file (the Let’s Encrypt bundle) is created once and never overwritten', async () => {
    // What certbot's deploy hook would leave: another valid bundle (here the LB's internal one).
    const certbots = readFileSync(onLb('etc/haproxy/certs/internal.pem'), 'utf8');
    writeFileSync(bundle(), certbots);
    addUser();
    const p = await f.deploy(['plan', 'loopback', ...LB]);
    expect(p.code).toBe(2);
    expect(p.stdout).toContain(`= ${bundle()}  exists, left alone (createOnly)`);
    f.sshd.node('lb-1').clearSystemctlCalls();
    const r = await f.deploy(['apply', 'loopback', '--yes', ...LB]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(calls()).toContain('reload haproxy.service');
    expect(readFileSync(bundle(), 'utf8')).toBe(certbots);
    expect((await f.deploy(['plan', 'loopback', ...LB])).code).toBe(0);
  });

  it("a config the node's own checker rejects leaves the node byte-identical and exits 1", async () => {
    // A node-side fact render cannot see: certbot's bundle on the node is truncated. The rendered haproxy.cfg
    // passes haproxy -c locally (with the bootstrap bundle) but not on the node, where it loads this file.
    writeFileSync(bundle(), '-----BEGIN CERTIFICATE-----\ntruncated\n');
    const before = snapshotNode(root());
    addUser();
    f.sshd.node('lb-1').clearSystemctlCalls();
    const r = await f.deploy(['apply', 'loopback', '--yes', ...LB]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /lb-1 haproxy: failed: checker haproxy -c rejected the new config; 1 file\(s\) restored to their previous version/,
    );
    expect(r.stderr).toContain('chatops.test.pem');
    expect(snapshotNode(root())).toEqual(before);
    expect(calls()).toEqual([]);
    writeFileSync(bundle(), readFileSync(onLb('etc/haproxy/certs/internal.pem'), 'utf8'));
    expect((await f.deploy(['apply', 'loopback', '--yes', ...LB])).code).toBe(0);
  });

  it('a run killed midway (its node-side script and ssh session die) converges on the next run, firing the journaled reload', async () => {
    const node = f.sshd.node('lb-1');
    node.hangSystemctl('reload haproxy.service');
    addUser();
    node.clearSystemctlCalls();
    try {
      const run = f.deploy(['apply', 'loopback', '--yes', ...LB]);
      // The stand-in writes "<its pid> <parent pid>" and sleeps: the new files are in place, the reload is owed.
      const [pid] = (await waitForFile(node.hangPidFile, 20_000)).trim().split(' ').map(Number);
      process.kill(-processGroup(pid!), 'SIGKILL');
      const killed = await within(run, 20_000, 'the interrupted apply');
      expect(killed.code).toBe(1);
      expect(killed.stderr).toMatch(
        /lb-1 haproxy: interrupted: .*the node keeps a journal of this step's reloads, which the next run fires/,
      );
    } finally {
      node.resetSystemctl();
    }
    expect(existsSync(onLb('var/lib/chatops-deploy/journal/haproxy'))).toBe(true);
    const p = await f.deploy(['plan', 'loopback', ...LB]);
    expect(p.code).toBe(2);
    expect(p.stdout).toMatch(/^ {2}haproxy; reload haproxy\.service; fires reloads journaled by an interrupted run$/m);
    node.clearSystemctlCalls();
    const r = await f.deploy(['apply', 'loopback', '--yes', ...LB]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(calls()).toContain('reload haproxy.service');
    expect(existsSync(onLb('var/lib/chatops-deploy/journal/haproxy'))).toBe(false);
    expect((await f.deploy(['plan', 'loopback', ...LB])).code).toBe(0);
  });
});
