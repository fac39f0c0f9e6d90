import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { OpenSshTransport, apply, loadDesired, plan, sshTarget } from '@chatops/deploy';
import { LOOPBACK_PASSWORDS, type RunningProcess, requireBinary, startProcess, tempDir } from '@chatops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haproxyServerScript } from '../src/_remote.js';
import { type DeployFixture, deployFixture } from './_fixture.js';

const NODES = ['--node', 'lb-1', '--node', 'chatops-1'];

/** One command on HAProxy's admin socket. */
function haproxyCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let out = '';
    s.setTimeout(5_000, () => s.destroy(new Error(`${command}: no answer from ${socket}`)));
    s.on('data', (d) => (out += d));
    s.on('end', () => resolve(out));
    s.on('error', reject);
    s.end(`${command}\n`);
  });
}

/** HAProxy's status of each server of a backend (`show stat`). */
async function serverStatus(socket: string, backend: string): Promise<Record<string, string>> {
  const rows = (await haproxyCommand(socket, 'show stat')).split('\n').map((l) => l.split(','));
  return Object.fromEntries(rows.filter((r) => r[0] === backend && r[1] !== 'FRONTEND' && r[1] !== 'BACKEND').map((r) => [r[1]!, r[17]!]));
}

/** HAProxy's current sessions of each server of a backend (`show stat` scur). */
async function sessions(socket: string, backend: string): Promise<Record<string, string>> {
  const rows = (await haproxyCommand(socket, 'show stat')).split('\n').map((l) => l.split(','));
  return Object.fromEntries(rows.filter((r) => r[0] === backend && r[1] !== 'FRONTEND' && r[1] !== 'BACKEND').map((r) => [r[1]!, r[4]!]));
}

async function until(what: string, ms: number, test: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await test().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

// The real HAProxy runs the config deploy put on lb-1; the two ChatOps instances are small HTTPS servers with the
// instance certificate deploy rendered (containers cannot run here); systemctl is a recording STAND-IN whose
// restart hook records what HAProxy and a client through it see at the moment each instance restarts.
// Each CLI run renders the environment first (~1 s on a quiet machine, ~8 s at a load average of 30): tests making
// several runs get more than the default 60 s.
describe('chatops-deploy rolls ChatOps instances one at a time through the real HAProxy runtime API', { timeout: 180_000 }, () => {
  const dir = tempDir('chatops-deploy-roll-');
  let f: DeployFixture;
  let haproxy: RunningProcess | undefined;
  const servers: ReturnType<typeof createServer>[] = [];
  /** HTTP status each stand-in instance answers (default 200). */
  const statuses = new Map<number, number>();
  /** Responses to /hold not sent yet. */
  const holding: import('node:http').ServerResponse[] = [];
  const socket = () => join(f.loopback.nodeRoot('lb-1'), 'run/haproxy/admin.sock');

  beforeAll(async () => {
    requireBinary('haproxy');
    requireBinary('curl');
    f = await deployFixture(dir.path, 63, { chatopsNodes: 1 });
    // The instances serve with the certificate deploy is about to install (same PKI state under .pki).
    const { desired } = await loadDesired('loopback', { cwd: dir.path, env: {}, config: f.loopback.file });
    const file = (suffix: string) => desired.steps.flatMap((s) => s.files).find((x) => x.artifact.path.endsWith(suffix))!.artifact.content;
    const address = f.loopback.document.nodes.find((n) => n.name === 'chatops-1')!.address;
    for (const i of [1, 2]) {
      const server = createServer(
        {
          key: file('chatops-1/etc/chatops/tls/chatops/key.pem'),
          cert: file('chatops-1/etc/chatops/tls/chatops/cert.pem'),
          // Like the terminator (verifyChain): only a client certificate from our CA gets an answer, so HAProxy's
          // checks and deploy's health probe must present theirs.
          ca: file('chatops-1/etc/chatops/tls/ca.pem'),
          requestCert: true,
          rejectUnauthorized: true,
        },
        (req, res) => {
          // /hold: a request that stays open (a long session HAProxy must drain); never answered.
          if (req.url === '/hold') {
            holding.push(res);
            return;
          }
          res.writeHead(statuses.get(i) ?? 200, { 'content-type': 'text/plain' }).end(`instance ${i}\n`);
        },
      );
      await new Promise<void>((resolve) => server.listen(f.loopback.ports.chatops + i - 1, address, resolve));
      servers.push(server);
    }
    const first = await f.deploy(['apply', 'loopback', '--yes', ...NODES]);
    if (first.code !== 0) throw new Error(`first apply failed:\n${first.stdout}\n${first.stderr}`);
    // HAProxy as root (it chroots and drops to the haproxy user) on the deployed config, which creates its admin
    // socket root:haproxy 0660 (reachable by deploy's root or haproxy-group login on a real LB).
    for (const d of ['run/haproxy', 'var/lib/haproxy']) mkdirSync(join(f.loopback.nodeRoot('lb-1'), d), { recursive: true });
    // Master-worker (-W), as Debian's unit runs it: a reload (USR2 to the master) starts a new worker.
    haproxy = startProcess('haproxy', ['-W', '-db', '-f', join(f.loopback.nodeRoot('lb-1'), 'etc/haproxy/haproxy.cfg')], {
      logFile: join(dir.path, 'haproxy.log'),
    });
    await until('HAProxy admin socket', 10_000, async () => existsSync(socket()));
    await until('both instances UP in HAProxy', 15_000, async () =>
      Object.values(await serverStatus(socket(), 'chatops')).every((s) => s === 'UP'),
    ).catch(async (e) => {
      throw new Error(
        `${e.message}: ${JSON.stringify(await serverStatus(socket(), 'chatops').catch((x) => String(x)))}\n${readFileSync(join(dir.path, 'haproxy.log'), 'utf8').slice(-2000)}`,
      );
    });
  });
  afterAll(async () => {
    await haproxy?.stop();
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await f?.[Symbol.asyncDispose]();
    dir[Symbol.dispose]();
  });

  it('the rendered admin socket is root:haproxy 0660: the deploy login drains through it only as a member of the haproxy group', () => {
    const st = statSync(socket());
    const haproxyGid = Number(execFileSync('getent', ['group', 'haproxy'], { encoding: 'utf8' }).split(':')[2]);
    expect({ uid: st.uid, gid: st.gid, mode: (st.mode & 0o777).toString(8) }).toEqual({ uid: 0, gid: haproxyGid, mode: '660' });
    // The machine must not change (no usermod): the test login's uid runs deploy's own drain script with the
    // haproxy group as a supplementary group (setpriv), as a deploy user added to the group would, and without it.
    const { uid, gid } = statOwner(f.loopback.nodeRoot('lb-1'));
    const drain = (state: 'drain' | 'ready', groups: string[]) =>
      spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, ...groups, 'bash', '-s'], {
        input: haproxyServerScript({ socket: socket(), backend: 'chatops', server: 'chatops-1-1', state, attempts: 20 }),
        encoding: 'utf8',
      });
    const refused = drain('drain', ['--clear-groups']);
    expect(refused.status).toBe(13);
    expect(refused.stdout).toMatch(/lb-failed\tchatops\/chatops-1-1\t.*Permission denied/);
    const drained = drain('drain', [`--groups=${haproxyGid}`]);
    expect(drained.stdout).toBe('E\tdrained\tchatops/chatops-1-1\n');
    expect(drained.status).toBe(0);
    const ready = drain('ready', [`--groups=${haproxyGid}`]);
    expect(ready.stdout).toBe('E\tready\tchatops/chatops-1-1\n');
    expect(ready.status).toBe(0);
  });

  it('drains each instance in HAProxy, restarts it, waits for its health endpoint, sets it ready; the other keeps serving', async () => {
    // The ssh login of these tests cannot gain the haproxy group (the machine's groups are left alone): the socket
    // is handed to it instead.
    const owner = statOwner(f.loopback.nodeRoot('lb-1'));
    chownSync(socket(), owner.uid, owner.gid);
    const https = f.loopback.ports.https;
    const record = join(f.sshd.node('chatops-1').hangPidFile, '..', 'roll.log');
    writeFileSync(record, '');
    const { uid, gid } = statOwner(f.loopback.nodeRoot('lb-1'));
    chownSync(record, uid, gid);
    const lbAddress = f.loopback.document.nodes.find((n) => n.name === 'lb-1')!.address;
    for (const i of [1, 2]) {
      f.sshd.node('chatops-1').hookSystemctl(
        `restart chatops@${i}.service`,
        `{
  echo "restart ${i}"
  perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die; print $s "show stat\\n"; print while <$s>;' '${socket()}' | awk -F, '$1 == "chatops" && $2 ~ /^chatops-1-/ { print $2, $18 }'
  echo "served: $(curl -sk --max-time 5 -u admin:${LOOPBACK_PASSWORDS.admin} --resolve chatops.chatops.test:${https}:${lbAddress} https://chatops.chatops.test:${https}/)"
} >> '${record}'
`,
      );
    }
    f.editEnvironment((doc) => {
      doc.chatops.image = 'registry.chatops.test/chatops:v2';
    });
    f.sshd.node('chatops-1').clearSystemctlCalls();
    try {
      const r = await f.deploy(['apply', 'loopback', '--yes', ...NODES]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('lb-1: drained chatops/chatops-1-1');
      expect(r.stdout).toContain('lb-1: ready chatops/chatops-1-2');
      expect(r.stdout).toMatch(/healthy chatops@1\.service https:\/\/chatops-1\.internal\.chatops\.test:\d+\/health/);
    } finally {
      f.sshd.node('chatops-1').resetSystemctl();
    }
    const restarts = f.sshd
      .node('chatops-1')
      .systemctlCalls()
      .map((c) => c.args.join(' '))
      .filter((c) => c.startsWith('restart chatops@'));
    expect(restarts).toEqual(['restart chatops@1.service', 'restart chatops@2.service']);
    expect(readFileSync(record, 'utf8')).toBe(
      [
        'restart 1',
        'chatops-1-1 DRAIN',
        'chatops-1-2 UP',
        'served: instance 2',
        'restart 2',
        'chatops-1-1 UP',
        'chatops-1-2 DRAIN',
        'served: instance 1',
        '',
      ].join('\n'),
    );
    expect(await serverStatus(socket(), 'chatops')).toEqual({ 'chatops-1-1': 'UP', 'chatops-1-2': 'UP' });
  });

  /** Apply through the API with short bounded waits (the CLI's are 20 health polls and 60 HAProxy polls). */
  const applyQuickly = async (healthAttempts: number, balancerAttempts: number) => {
    const { desired } = await loadDesired('loopback', { cwd: dir.path, env: {}, config: f.loopback.file });
    const transport = new OpenSshTransport({ targets: desired.env.nodes.map((n) => sshTarget(desired.env, n)) });
    try {
      const p = await plan(desired, transport, { nodes: ['lb-1', 'chatops-1'] });
      expect(p.problems).toEqual([]);
      const messages: string[] = [];
      const report = await apply(desired, transport, p, {
        healthAttempts,
        balancerAttempts,
        onEvent: (e) => messages.push(e.message),
      });
      return { report, messages };
    } finally {
      await transport.close();
    }
  };
  const restarts = () =>
    f.sshd
      .node('chatops-1')
      .systemctlCalls()
      .map((c) => c.args.join(' '))
      .filter((c) => c.startsWith('restart chatops@'));
  const unitFile = () => join(f.loopback.nodeRoot('chatops-1'), 'etc/systemd/system/chatops@.service');

  it('a drain that does not finish (a session stays open) is bounded: named in the error, nothing restarted, the server set ready again', async () => {
    const owner = statOwner(f.loopback.nodeRoot('lb-1'));
    chownSync(socket(), owner.uid, owner.gid);
    const https = f.loopback.ports.https;
    const lbAddress = f.loopback.document.nodes.find((n) => n.name === 'lb-1')!.address;
    // Round-robin: held requests through HAProxy until each instance has at least one.
    const held = [1, 2, 3, 4].map(() =>
      request({
        host: lbAddress,
        port: https,
        path: '/hold',
        servername: 'chatops.chatops.test',
        headers: {
          host: 'chatops.chatops.test',
          authorization: `Basic ${Buffer.from(`admin:${LOOPBACK_PASSWORDS.admin}`).toString('base64')}`,
        },
        rejectUnauthorized: false,
      }).on('error', () => {}),
    );
    for (const r of held) r.end();
    await until('one session on each instance', 10_000, async () =>
      Object.values(await sessions(socket(), 'chatops')).every((n) => Number(n) >= 1),
    );
    const before = readFileSync(unitFile(), 'utf8');
    f.editEnvironment((doc) => {
      doc.chatops.image = 'registry.chatops.test/chatops:v3';
    });
    f.sshd.node('chatops-1').clearSystemctlCalls();
    try {
      const { report } = await applyQuickly(4, 4);
      expect(report.status).toBe('failed');
      const failed = report.steps.find((s) => s.phase === 'chatops')!;
      expect(failed.error).toMatch(/^lb-1: HAProxy drain of chatops\/chatops-1-1 timed out after 2 s with \d+ session\(s\) still open; /);
      expect(failed.error).toContain('chatops/chatops-1-1 set ready again');
    } finally {
      for (const r of holding.splice(0)) r.end('released\n');
      for (const r of held) r.destroy();
    }
    await until('no session left', 10_000, async () => Object.values(await sessions(socket(), 'chatops')).every((n) => n === '0'));
    expect(restarts()).toEqual([]);
    expect(readFileSync(unitFile(), 'utf8')).toBe(before);
    expect(await serverStatus(socket(), 'chatops')).toEqual({ 'chatops-1-1': 'UP', 'chatops-1-2': 'UP' });
  });
  it('an instance that fails its health check after the restart stops the roll: files restored, it is restarted on them and set ready, the other is never touched', async () => {
    const before = readFileSync(unitFile(), 'utf8');
    f.editEnvironment((doc) => {
      doc.chatops.image = 'registry.chatops.test/chatops:v4';
    });
    f.sshd.node('chatops-1').clearSystemctlCalls();
    statuses.set(1, 503);
    try {
      const { report } = await applyQuickly(2, 20);
      expect(report.status).toBe('failed');
      const failed = report.steps.find((s) => s.phase === 'chatops')!;
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/^chatops@1\.service did not become healthy in time: .*answered 503/);
      expect(failed.error).toContain('file(s) restored to their previous version, chatops@1.service restarted on them');
      expect(failed.error).toContain('chatops/chatops-1-1 set ready again');
    } finally {
      statuses.delete(1);
    }
    // Restarted (unhealthy), then restarted again on the restored files; chatops@2 never restarted.
    expect(restarts()).toEqual(['restart chatops@1.service', 'restart chatops@1.service']);
    expect(readFileSync(unitFile(), 'utf8')).toBe(before);
    // Set ready, not left drained: HAProxy's own checks decide whether it gets traffic (here they are failing).
    const status = await serverStatus(socket(), 'chatops');
    expect(status['chatops-1-1']).toMatch(/^(UP|DOWN)\b/);
    expect(status['chatops-1-2']).toBe('UP');
  });

  it("HAProxy's reload is proven by a new worker pid on its admin socket; a reload that does not take effect is rolled back", async () => {
    const lb = f.sshd.node('lb-1');
    const owner = statOwner(f.loopback.nodeRoot('lb-1'));
    chownSync(socket(), owner.uid, owner.gid);
    const request = join(lb.hangPidFile, '..', 'reload-request');
    // The stand-in systemctl's reload hook asks this process (root) to play init: USR2 to HAProxy's master, then
    // hand the socket the new worker creates to the test login again; the hook waits (bounded) until done.
    lb.hookSystemctl(
      'reload haproxy.service',
      `touch '${request}'; i=0; while [ -e '${request}' ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done\n`,
    );
    let inode = statSync(socket()).ino;
    const init = setInterval(() => {
      if (!existsSync(request)) return;
      if (statSync(socket()).ino === inode) {
        if (!existsSync(`${request}.sent`)) {
          writeFileSync(`${request}.sent`, '');
          process.kill(haproxy!.pid, 'SIGUSR2');
        }
        return;
      }
      inode = statSync(socket()).ino;
      chownSync(socket(), owner.uid, owner.gid);
      rmSync(`${request}.sent`, { force: true });
      rmSync(request, { force: true });
    }, 50);
    const workerPid = async () => (await haproxyCommand(socket(), 'show info')).match(/^Pid: (\d+)$/m)?.[1];
    try {
      const before = await workerPid();
      f.editEnvironment((doc) => {
        doc.users.push({ name: 'ops-reload', passwordHash: doc.users[0].passwordHash });
      });
      const { report, messages } = await applyQuickly(20, 20);
      expect(report.status, messages.join('\n')).toBe('applied');
      const after = await workerPid();
      expect(after).not.toBe(before);
      expect(messages).toContain(`reloaded ${socket()} worker ${before} -> ${after}`);
    } finally {
      clearInterval(init);
      lb.resetSystemctl();
    }
    // A reload that does not take effect (init does nothing: the old worker keeps answering): rolled back.
    const cfg = join(f.loopback.nodeRoot('lb-1'), 'etc/haproxy/haproxy.cfg');
    const config = readFileSync(cfg, 'utf8');
    f.editEnvironment((doc) => {
      doc.users.push({ name: 'ops-ignored', passwordHash: doc.users[0].passwordHash });
    });
    const { report } = await applyQuickly(4, 20);
    expect(report.status).toBe('failed');
    const failed = report.steps.find((s) => s.phase === 'haproxy')!;
    expect(failed.error).toMatch(
      /^haproxy\.service did not become healthy in time; 1 file\(s\) restored to their previous version, units reloaded back:\nHAProxy's runtime API still reports worker pid \d+: the reload did not take effect/,
    );
    expect(readFileSync(cfg, 'utf8')).toBe(config);
  });
});

function statOwner(path: string): { uid: number; gid: number } {
  const s = statSync(path);
  return { uid: s.uid, gid: s.gid };
}
