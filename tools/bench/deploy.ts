/**
 * Benchmark: `@chatops/deploy` against 5 real sshd nodes on loopback, with ratios in the same run against the raw
 * floor: plain `ssh` + `sha256sum -c` to learn that nothing changed, and `tar | ssh` of the changed file plus the
 * same checker and reload. Deploy is timed from a rendered desired state (plan + apply, fresh connections, as the
 * floor's fresh ssh processes); the in-memory render it does first is printed separately.
 *
 *   npm run bench -- deploy        (as root: sshd logs in a plain test user; systemctl is a recording stand-in)
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:https';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { AppliedRecord, type DesiredState, OpenSshTransport, apply, loadDesired, plan, sshTarget } from '@chatops/deploy';
import { contentHash } from '@chatops/core';
import { loopbackEnvironment, startSshdNodes, tempDir } from '@chatops/testing';
import { dump, load } from 'js-yaml';
import { median, timedAsync } from './_measure.js';

const RUNS = 7;
const STAND_INS = [
  'docker',
  'filebeat',
  'prometheus',
  'prometheus-alertmanager',
  'grafana-server',
  'certbot',
  '/usr/local/bin/systemd_exporter',
  '/usr/local/bin/cadvisor',
  '/usr/share/elasticsearch/bin/elasticsearch',
  '/usr/share/kibana/bin/kibana',
  '/usr/share/logstash/bin/logstash',
];

const dir = tempDir('chatops-bench-deploy-');
const loopback = await loopbackEnvironment({ dir: dir.path, subnet: 90, chatopsNodes: 1 });
const sshd = await startSshdNodes({
  dir: join(dir.path, 'sshd'),
  nodes: loopback.document.nodes.map((n) => ({ name: n.name, address: n.address, root: loopback.nodeRoot(n.name) })),
  standInBinaries: STAND_INS,
});
const servers: ReturnType<typeof createServer>[] = [];
// biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document the test edits in place at any depth
const edit = (fn: (doc: Record<string, any>) => void) => {
  // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document the test edits in place at any depth
  const doc = load(readFileSync(loopback.file, 'utf8')) as Record<string, any>;
  fn(doc);
  writeFileSync(loopback.file, dump(doc, { lineWidth: -1 }));
};
try {
  edit((doc) => {
    doc.ssh = sshd.sshSettings();
  });
  const render = async (interval: string): Promise<{ desired: DesiredState; ms: number }> => {
    edit((doc) => {
      doc.prometheus = { ...(doc.prometheus ?? {}), evaluationInterval: interval };
    });
    let desired: DesiredState | undefined;
    const ms = await timedAsync(async () => {
      desired = (await loadDesired('loopback', { cwd: dir.path, env: {}, config: loopback.file })).desired;
    });
    return { desired: desired!, ms };
  };
  const a = await render('15s');
  const b = await render('20s');
  await render('15s'); // the environment file as a (not read again)
  // Daemons that cannot run here (ChatOps containers, Grafana, Prometheus, Alertmanager, Kibana): HTTPS servers with
  // the certificate deploy installs, answering the health checks deploy makes after each restart or reload.
  const rendered = (suffix: string) =>
    a.desired.steps.flatMap((s) => s.files).find((x) => x.artifact.path.endsWith(suffix))!.artifact.content;
  const p = loopback.ports;
  const standIns: [string, string, number][] = [
    ['chatops-1', 'chatops', p.chatops],
    ['chatops-1', 'chatops', p.chatops + 1],
    ['grafana-1', 'grafana', p.grafana],
    ['monitoring-1', 'prometheus', p.prometheus],
    ['monitoring-1', 'alertmanager', p.alertmanager],
    ['elastic-1', 'kibana', p.kibana],
  ];
  for (const [node, tls, port] of standIns) {
    const cert = (f: string) => rendered(`${node}/etc/chatops/tls/${tls}/${f}`);
    const server = createServer({ key: cert('key.pem'), cert: cert('cert.pem') }, (_q, res) => res.end('ok\n'));
    await new Promise<void>((resolve) => server.listen(port, loopback.document.nodes.find((n) => n.name === node)!.address, resolve));
    servers.push(server);
  }
  const nodes = a.desired.env.nodes.map((n) => n.name);
  const targets = a.desired.env.nodes.map((n) => sshTarget(a.desired.env, n));

  // Deploy: a fresh transport (new master connections) per run, as the floor's fresh ssh processes.
  const trips: Record<string, number> = {};
  // What the CLI keeps in <root>/.deploy/<env>.json: nodes last seen converged. `apply` (default) leaves a node
  // whose rendered files are unchanged since out of its plan; `checkAll` inspects every node (plan, --check-all).
  const record = AppliedRecord.inMemory();
  const deploy = async (desired: DesiredState, options: { only?: readonly string[]; checkAll?: boolean } = {}) => {
    const { only, checkAll } = options;
    const transport = new OpenSshTransport({ targets: only ? targets.filter((t) => only.includes(t.node)) : targets });
    let status = '';
    let report: Awaited<ReturnType<typeof apply>> | undefined;
    const ms = await timedAsync(async () => {
      // This machine has not every daemon's system user: preflight facts are gathered in the same round trip
      // as always, but not enforced here.
      const planned = await plan(desired, transport, {
        ...(only ? { nodes: only } : {}),
        ...(checkAll ? {} : { unchangedSince: record.digests }),
      });
      const p = { ...planned, nodes: planned.nodes.map((n) => ({ ...n, problems: [] })), problems: [] };
      record.forgetChanging(p);
      report = await apply(desired, transport, p);
      record.update(desired, p, report);
      status = report.status;
    });
    for (const n of nodes) trips[n] = Object.values(transport.roundTrips(n)).reduce((x, y) => x + y, 0);
    await transport.close();
    if (status === 'failed')
      console.error(
        report?.steps
          .filter((x) => x.error)
          .map((x) => `${x.node} ${x.phase}: ${x.error}`)
          .join('\n'),
      );
    return { ms, status };
  };
  const first = await deploy(a.desired, { checkAll: true });
  if (first.status !== 'applied') throw new Error(`first apply: ${first.status}`);

  // The floor: plain ssh (no multiplexing, one process per node, all nodes at once).
  const ssh = (node: string, command: string, input: Buffer | string) =>
    new Promise<void>((resolve, reject) => {
      const t = targets.find((x) => x.node === node)!;
      const child = spawn(
        'ssh',
        [
          '-o',
          'BatchMode=yes',
          '-o',
          `UserKnownHostsFile=${t.knownHosts}`,
          '-o',
          'LogLevel=ERROR',
          '-i',
          t.identityFile!,
          '-p',
          String(t.port),
          '-l',
          t.user,
          t.host,
          command,
        ],
        { stdio: ['pipe', 'ignore', 'pipe'] },
      );
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${node}: ${command}: exit ${code}: ${err}`))));
      child.stdin.end(input);
    });
  const files = (desired: DesiredState, node: string) => desired.steps.filter((s) => s.node === node).flatMap((s) => s.files);
  const hashCompare = (desired: DesiredState) =>
    Promise.all(
      nodes.map((n) =>
        ssh(
          n,
          'sha256sum -c --quiet --status',
          files(desired, n)
            .map((f) => `${contentHash(f.artifact.content)}  ${f.artifact.path}\n`)
            .join(''),
        ),
      ),
    );
  const tar = (root: string, list: { path: string; content: string; mode: string }[]) => {
    const stage = join(dir.path, 'tar-stage');
    rmSync(stage, { recursive: true, force: true });
    for (const f of list) {
      const p = join(stage, relative(root, f.path));
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.content, { mode: Number.parseInt(f.mode, 8) });
    }
    return new Promise<Buffer>((resolve, reject) => {
      const child = spawn('tar', ['-C', stage, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const out: Buffer[] = [];
      child.stdout.on('data', (d) => out.push(d));
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`tar exit ${code}`))));
    });
  };
  const promStep = (desired: DesiredState) => desired.steps.find((s) => s.node === 'monitoring-1' && s.phase === 'prometheus')!;
  const changed = (desired: DesiredState) => promStep(desired).files.filter((f) => f.artifact.path.endsWith('/prometheus.yml'));
  // The floor writes under <root>/floor so deploy's own runs keep seeing exactly what deploy wrote; promtool checks
  // that copy (its rule files and web config are referenced by absolute path, so they resolve the same).
  const promConfig = changed(a.desired)[0]!.artifact.path;
  const floorRoot = `${loopback.nodeRoot('monitoring-1')}/floor`;
  const checks = promStep(a.desired)
    .checks.map((c) =>
      [c.command, ...c.args.map((x) => (x === promConfig ? `${floorRoot}${promConfig}` : x))].map((x) => `'${x}'`).join(' '),
    )
    .join(' && ');
  const floorOneFile = async (desired: DesiredState) => {
    const archive = await tar(
      '/',
      changed(desired).map((f) => ({ path: f.artifact.path, content: f.artifact.content, mode: f.artifact.mode })),
    );
    return timedAsync(() =>
      ssh(
        'monitoring-1',
        `mkdir -p '${floorRoot}' && tar -C '${floorRoot}' -xf - && ${checks} >/dev/null 2>&1 && systemctl reload prometheus.service`,
        archive,
      ),
    );
  };

  const noChange: number[] = [];
  const noChangeRecorded: number[] = [];
  const floorHash: number[] = [];
  const oneFile: number[] = [];
  const oneFileAll: number[] = [];
  const floorOne: number[] = [];
  const oneNode: number[] = [];
  let noChangeTrips = '';
  let noChangeRecordedTrips = '';
  let oneFileTrips = '';
  let oneFileAllTrips = '';
  let current = a.desired;
  const flip = (d: DesiredState) => (d === a.desired ? b.desired : a.desired);
  for (let i = 0; i < RUNS; i++) {
    const r = await deploy(current, { checkAll: true });
    if (r.status !== 'nothing-to-do') throw new Error(`no-change apply: ${r.status}`);
    noChange.push(r.ms);
    noChangeTrips = nodes.map((n) => trips[n]).join('/');
    const q = await deploy(current);
    if (q.status !== 'nothing-to-do') throw new Error(`no-change apply (recorded): ${q.status}`);
    noChangeRecorded.push(q.ms);
    noChangeRecordedTrips = nodes.map((n) => trips[n]).join('/');
    floorHash.push(await timedAsync(() => hashCompare(current)));
    // One file changed, apply's default: only monitoring-1's rendered files differ from the record.
    current = flip(current);
    const c = await deploy(current);
    if (c.status !== 'applied') throw new Error(`one-file apply: ${c.status}`);
    oneFile.push(c.ms);
    oneFileTrips = nodes.map((n) => trips[n]).join('/');
    floorOne.push(await floorOneFile(i % 2 === 0 ? a.desired : b.desired));
    // The same change with every node inspected (apply --check-all).
    current = flip(current);
    const all = await deploy(current, { checkAll: true });
    if (all.status !== 'applied') throw new Error(`one-file apply --check-all: ${all.status}`);
    oneFileAll.push(all.ms);
    oneFileAllTrips = nodes.map((n) => trips[n]).join('/');
    // The same change applied with --node monitoring-1 and --check-all (the operator names the node).
    current = flip(current);
    const n = await deploy(current, { only: ['monitoring-1'], checkAll: true });
    if (n.status !== 'applied') throw new Error(`one-node apply: ${n.status}`);
    oneNode.push(n.ms);
  }
  // Leave the nodes as deploy last wrote them is not needed: the scratch dir goes away.
  const row = (label: string, ours: number, floor: number, bar: number) =>
    `| ${label} | ${ours.toFixed(0)} ms | ${floor.toFixed(0)} ms | ${(ours / floor).toFixed(2)}× | ≤ ${bar}× |`;
  console.log(
    `deploy against ${nodes.length} loopback sshd nodes (${nodes.join(', ')}), ${files(a.desired, 'lb-1').length + nodes.slice(1).reduce((k, n) => k + files(a.desired, n).length, 0)} managed files, median of ${RUNS}:`,
  );
  console.log('| run | deploy (plan + apply) | floor | ratio | goal |');
  console.log('|---|---|---|---|---|');
  console.log(
    row(
      `no change, every node inspected (plan, apply --check-all; deploy: ${noChangeTrips} round trips; floor: ssh + sha256sum -c per node)`,
      median(noChange),
      median(floorHash),
      1.5,
    ),
  );
  console.log(
    row(
      `no change, apply (nodes unchanged since they converged; deploy: ${noChangeRecordedTrips} round trips)`,
      median(noChangeRecorded),
      median(floorHash),
      1.5,
    ),
  );
  console.log(
    row(
      `one file, apply (prometheus.yml, evaluation_interval; deploy: ${oneFileTrips} round trips; floor: tar piped to ssh + promtool + reload)`,
      median(oneFile),
      median(floorOne),
      2,
    ),
  );
  console.log(row(`one file, apply --check-all (deploy: ${oneFileAllTrips} round trips)`, median(oneFileAll), median(floorOne), 2));
  console.log(row('one file, apply --check-all --node monitoring-1 (deploy: 2 round trips there)', median(oneNode), median(floorOne), 2));
  console.log(
    row(
      'one file, against a floor that first finds the change (ssh + sha256sum -c, then the copy)',
      median(oneFile),
      median(floorHash) + median(floorOne),
      2,
    ),
  );
  console.log(`in-memory render before each CLI run (not in the figures above): ${((a.ms + b.ms) / 2).toFixed(0)} ms`);
} finally {
  for (const s of servers) s.close();
  await sshd.stop();
  dir[Symbol.dispose]();
}
