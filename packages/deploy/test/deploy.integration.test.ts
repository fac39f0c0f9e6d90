import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines, tempDir } from '@chatops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYED, type DeployFixture, deployFixture, snapshotNode } from './_fixture.js';

const only = DEPLOYED.flatMap((n) => ['--node', n]);

// One set of sshd nodes for the whole file: each test starts from the state the previous one left.
// Each CLI run renders the environment first (~1 s on a quiet machine, ~8 s at a load average of 30): tests making
// several runs get more than the default 60 s.
describe('chatops-deploy against real sshd nodes on loopback (systemctl is a recording STAND-IN)', { timeout: 180_000 }, () => {
  const dir = tempDir('chatops-deploy-');
  let f: DeployFixture;
  const root = (node: string) => f.loopback.nodeRoot(node);
  const onNode = (node: string, path: string) => join(root(node), path);
  const calls = (node: string) =>
    f.sshd
      .node(node)
      .systemctlCalls()
      .map((c) => c.args.join(' '));
  const clearCalls = () => {
    for (const n of f.sshd.nodes) n.clearSystemctlCalls();
  };

  beforeAll(async () => {
    f = await deployFixture(dir.path, 61);
    // Prometheus and Alertmanager cannot run here: stand-ins answer deploy's health checks over TLS (our CA).
    const p = f.loopback.ports;
    await f.serveHealth('monitoring-1', [
      { port: p.prometheus, tls: 'prometheus' },
      { port: p.alertmanager, tls: 'alertmanager' },
    ]);
  });
  afterAll(async () => {
    await f?.[Symbol.asyncDispose]();
    dir[Symbol.dispose]();
  });

  it('refuses a node whose host key does not match the pinned known_hosts', async () => {
    const pinned = f.sshd.knownHosts;
    f.editEnvironment((doc) => {
      doc.ssh.knownHosts = f.sshd.knownHostsWithWrongKey('lb-1');
    });
    try {
      const r = await f.deploy(['plan', 'loopback', '--node', 'lb-1']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /lb-1: host key of 127\.0\.61\.10:\d+ does not match the pinned key in .*known_hosts\.wrong-lb-1; refusing to connect/,
      );
    } finally {
      f.editEnvironment((doc) => {
        doc.ssh.knownHosts = pinned;
      });
    }
  });

  it('fails preflight for a missing onNode secret, listing every node problem, and touches nothing', async () => {
    const missing = onNode('monitoring-1', 'etc/vault/smtp-password');
    f.editEnvironment((doc) => {
      doc.alerting.email.username = 'alerts';
      doc.alerting.email.password = { onNode: missing };
    });
    const before = new Map(f.loopback.document.nodes.map((n) => [n.name, snapshotNode(root(n.name))]));
    try {
      const r = await f.deploy(['apply', 'loopback', '--yes']);
      expect(r.stderr).toContain('preflight failed');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('nothing was changed on any node');
      expect(r.stderr).toContain(`monitoring-1: onNode secret ${missing} does not exist (read by prometheus)`);
      // Every node's problems in one report: the Elastic stack is not installed under elastic-1's root prefix.
      expect(r.stderr).toMatch(
        /elastic-1: \S*\/usr\/share\/elasticsearch\/bin\/elasticsearch is not installed\n\s+fix: apt-get install elasticsearch/,
      );
      for (const n of f.loopback.document.nodes) expect(snapshotNode(root(n.name)), n.name).toEqual(before.get(n.name));
      expect(snapshotNode(root('monitoring-1')).has('etc/prometheus/prometheus.yml')).toBe(false);
      for (const n of f.sshd.nodes) expect(n.systemctlCalls(), n.name).toEqual([]);
    } finally {
      f.editEnvironment((doc) => {
        delete doc.alerting.email.username;
        delete doc.alerting.email.password;
      });
    }
  });

  it('first apply writes every file with the manifest modes (owners recorded), fires the units, and records state', async () => {
    const r = await f.deploy(['apply', 'loopback', '--yes', ...only]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const cfg = onNode('lb-1', 'etc/haproxy/haproxy.cfg');
    expect(statSync(cfg).mode & 0o777).toBe(0o640);
    expect(statSync(onNode('monitoring-1', 'etc/prometheus/prometheus.yml')).mode & 0o777).toBe(0o644);
    expect(statSync(onNode('lb-1', 'etc/haproxy/certs/internal.pem')).mode & 0o777).toBe(0o600);
    // The test login is not root, so owners cannot be set: the state file records the intended ones.
    const state = readFileSync(onNode('lb-1', 'var/lib/chatops-deploy/state'), 'utf8');
    expect(state).toMatch(new RegExp(`\\t0640\\troot\\thaproxy\\t${cfg.replaceAll('/', '\\/')}\\n`));
    expect(state).toMatch(/\t0600\thaproxy\thaproxy\t.*\/etc\/haproxy\/certs\/internal\.pem\n/);
    // HAProxy's sandbox drop-in is new: a restart (a config change alone reloads: deploy-failures.integration).
    expect(calls('lb-1')).toContain('restart haproxy.service');
    // Certificates changed too (they are new), so Prometheus restarts rather than reloads; units changed: daemon-reload.
    expect(calls('monitoring-1')).toEqual(
      expect.arrayContaining(['daemon-reload', 'restart prometheus.service', 'restart prometheus-alertmanager.service']),
    );
    expect(r.stdout).toMatch(/^lb-1 +\d+ +0 +0 +0 +0 +\d+ +\d+ +applied$/m);
  });

  it('second apply changes nothing, fires nothing: no round trip to nodes unchanged since they converged, one with --check-all', async () => {
    const before = snapshotNode(root('lb-1'));
    clearCalls();
    const quick = await f.deploy(['apply', 'loopback', '--yes', ...only, '--json']);
    expect(quick.code).toBe(0);
    const events = jsonLines(quick.stdout);
    expect(events.filter((e) => e.type === 'assumed').map((e) => e.node)).toEqual(['lb-1', 'monitoring-1']);
    expect(events.find((e) => e.type === 'summary')).toEqual({ type: 'summary', status: 'nothing-to-do', nodes: [] });
    const r = await f.deploy(['apply', 'loopback', '--yes', ...only, '--json', '--check-all']);
    expect(r.code).toBe(0);
    const summary = jsonLines(r.stdout).find((e) => e.type === 'summary');
    // On failure, show what the plan found to change.
    expect(
      summary.status,
      r.stdout
        .split('\n')
        .filter((l) => /"type":"plan"/.test(l) && !/"files":\[\]/.test(l))
        .join('\n'),
    ).toBe('nothing-to-do');
    expect(
      summary.nodes.map((n: { node: string; roundTrips: number; create: number; change: number }) => [
        n.node,
        n.roundTrips,
        n.create + n.change,
      ]),
    ).toEqual([
      ['lb-1', 1, 0],
      ['monitoring-1', 1, 0],
    ]);
    expect(calls('lb-1')).toEqual([]);
    expect(calls('monitoring-1')).toEqual([]);
    expect(snapshotNode(root('lb-1'))).toEqual(before);
  });

  it('one Prometheus setting changed: plan shows the diff, apply reloads only Prometheus', async () => {
    f.editEnvironment((doc) => {
      doc.prometheus = { ...(doc.prometheus ?? {}), scrapeInterval: '20s' };
    });
    const p = await f.deploy(['plan', 'loopback', ...only]);
    expect(p.code).toBe(2);
    expect(p.stdout).toMatch(/^ {2}prometheus; reload prometheus\.service; checked on the node by /m);
    expect(p.stdout).toMatch(/^ +-\s+scrape_interval: 15s$/m);
    expect(p.stdout).toMatch(/^ +\+\s+scrape_interval: 20s$/m);
    expect(p.stdout).toMatch(/^lb-1: nothing to do/m);
    clearCalls();
    const r = await f.deploy(['apply', 'loopback', '--yes', ...only]);
    expect(r.code).toBe(0);
    // Healthy means Prometheus' own /-/healthy answered over TLS with our CA (here its stand-in), not is-active.
    expect(calls('monitoring-1')).toEqual(['reload prometheus.service']);
    expect(r.stdout).toMatch(/healthy prometheus\.service https:\/\/monitoring-1\.internal\.chatops\.test:\d+\/-\/healthy/);
    expect(calls('lb-1')).toEqual([]);
  });

  it('a failing reload restores the previous files, reloads back and exits 1', async () => {
    const before = snapshotNode(root('monitoring-1'));
    f.sshd.node('monitoring-1').failSystemctl('reload prometheus.service');
    f.editEnvironment((doc) => {
      doc.prometheus = { ...(doc.prometheus ?? {}), scrapeInterval: '25s' };
    });
    try {
      const r = await f.deploy(['apply', 'loopback', '--yes', ...only]);
      expect(r.code).toBe(1);
      // prometheus.yml, and the rules: at 25s the alerts' `for` ladder steps 2m instead of 1m (alertStep).
      expect(r.stderr).toMatch(
        /monitoring-1 prometheus: failed: systemctl reload prometheus\.service failed; 2 file\(s\) restored to their previous version/,
      );
      expect(r.stderr).toContain('stand-in systemctl: told to fail: reload prometheus.service');
      expect(snapshotNode(root('monitoring-1'))).toEqual(before);
    } finally {
      f.sshd.node('monitoring-1').resetSystemctl();
    }
  });

  it('a daemon that comes back unhealthy (its own health endpoint) is rolled back: files restored, reloaded again, exit 1', async () => {
    const before = snapshotNode(root('monitoring-1'));
    f.setHealthStatus(f.loopback.ports.prometheus, 503);
    f.editEnvironment((doc) => {
      doc.prometheus = { ...(doc.prometheus ?? {}), scrapeInterval: '30s' };
    });
    clearCalls();
    try {
      const r = await f.deploy(['apply', 'loopback', '--yes', ...only]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /monitoring-1 prometheus: failed: prometheus\.service did not become healthy in time; \d+ file\(s\) restored to their previous version, units reloaded back/,
      );
      expect(r.stderr).toMatch(/https:\/\/monitoring-1\.internal\.chatops\.test:\d+\/-\/healthy answered 503/);
      expect(snapshotNode(root('monitoring-1'))).toEqual(before);
      expect(calls('monitoring-1').filter((c) => c === 'reload prometheus.service')).toHaveLength(2);
    } finally {
      f.setHealthStatus(f.loopback.ports.prometheus, 200);
    }
  });

  it('a hand-edited file is drift: plan shows it, apply refuses without --force', async () => {
    expect((await f.deploy(['apply', 'loopback', '--yes', ...only])).code).toBe(0);
    const file = onNode('monitoring-1', 'etc/prometheus/prometheus.yml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}# hand edit\n`);
    // What apply assumes: a node whose rendered files did not change since it converged is not inspected, so the
    // hand edit goes unseen by an apply that changes nothing there...
    const unseen = await f.deploy(['apply', 'loopback', '--yes', ...only]);
    expect(unseen.code).toBe(0);
    expect(unseen.stdout).toContain(
      'not inspected (rendered files unchanged since last seen converged; --check-all inspects them): lb-1, monitoring-1',
    );
    // ...until a plan (which inspects every node), apply --check-all, or a change to that node's files.
    const p = await f.deploy(['plan', 'loopback', ...only]);
    expect(p.code).toBe(2);
    expect(p.stdout).toContain(`! ${file}  DRIFT: changed on the node since the last apply`);
    const refused = await f.deploy(['apply', 'loopback', '--yes', ...only]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to apply: files changed on the node since the last apply');
    expect(readFileSync(file, 'utf8')).toContain('# hand edit');
    const forced = await f.deploy(['apply', 'loopback', '--yes', '--force', ...only]);
    expect(forced.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(original);
  });
});
