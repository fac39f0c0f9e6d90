import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { type DeployIo, runDeployCli } from '@chatops/deploy';
import { elasticPaths } from '@chatops/elastic-config';
import {
  type Environment,
  type NodeSpec,
  chatopsInstances,
  listenersOn,
  loadEnvironment,
  metricsEndpoints,
  nodeFqdn,
  nodePath,
  nodeWithRole,
  probeTargets,
  publicHosts,
  unitsOn,
} from '@chatops/environment';
import { RENDERERS } from '@chatops/stack';
import {
  LOOPBACK_PASSWORDS,
  type LoopbackEnvironment,
  type RunningProcess,
  type SshdNodes,
  eventually,
  jsonLines,
  loopbackEnvironment,
  mailText,
  recorder,
  requireBinary,
  smtpSink,
  startProcess,
  startSshdNodes,
  tempDir,
  unitCommand,
  waitForPort,
} from '@chatops/testing';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StandIn, cadvisor, chatopsApp, httpsService, systemdExporter, tlsListener } from './whole-stack/stand-ins.js';
import { Timeline } from './whole-stack/timeline.js';

/**
 * The user's whole path on loopback: render -> `@chatops/deploy apply` to real sshd nodes -> the daemons started
 * on what was deployed, with the command lines its units give -> the stack does its job. The test plays the init
 * system (none runs here): deploy's `systemctl` is a recording STAND-IN, and the test starts, stops and reloads
 * the units itself. Daemons that cannot be installed here are STAND-INS (./whole-stack/stand-ins.ts).
 */

const TIMELINE_FILE = resolve('out/e2e/whole-stack-timeline.txt');
/** Executables deploy's preflight looks for that Debian 12 cannot install here: stand-in scripts on the nodes. */
const NOT_INSTALLABLE = [
  'docker',
  'filebeat',
  'grafana-server',
  'certbot',
  '/usr/local/bin/cadvisor',
  '/usr/local/bin/systemd_exporter',
  '/usr/share/elasticsearch/bin/elasticsearch',
  '/usr/share/kibana/bin/kibana',
  '/usr/share/logstash/bin/logstash',
];
/** System users the packages of those daemons would create (deploy's preflight looks them up): stand-ins on the nodes. */
const PACKAGE_USERS = ['grafana', 'elasticsearch', 'kibana', 'logstash'];
/** Each check waits on real daemons on a shared 2-core machine; every wait inside is bounded on its own. */
const CHECK_TIMEOUT = 240_000;
const ADMIN = `Basic ${Buffer.from(`admin:${LOOPBACK_PASSWORDS.admin}`).toString('base64')}`;

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface SlackMessage {
  attachments: { title: string; text: string }[];
}

function httpsGet(options: {
  host: string;
  port: number;
  path: string;
  servername: string;
  ca: string;
  headers?: Record<string, string>;
  /** A client certificate and key (PEM), for a server that requires one (mutual TLS). */
  client?: { cert: string; key: string };
}): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(
      {
        host: options.host,
        port: options.port,
        path: options.path,
        servername: options.servername,
        ca: options.ca,
        ...options.client,
        headers: options.headers,
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${options.servername}${options.path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** A unit the test started: a real daemon or a stand-in. */
interface Started {
  readonly node: string;
  readonly unit: string;
  readonly real?: RunningProcess;
  readonly standIn?: StandIn;
}

describe('the whole stack on loopback: render -> deploy -> daemons -> the stack does its job', () => {
  const timeline = new Timeline();
  const dir = tempDir('whole-stack-');
  const started: Started[] = [];
  let loop: LoopbackEnvironment;
  let env: Environment;
  let sshd: SshdNodes;
  let slack: Awaited<ReturnType<typeof recorder>>;
  let smtp: Awaited<ReturnType<typeof smtpSink>>;
  let publicCa: string;
  let internalCa: string;
  /** Container names cAdvisor sees, per node; units systemd reports inactive. */
  const containers = new Map<string, Set<string>>();
  const inactiveUnits = new Map<string, Set<string>>();

  const deploy = async (args: readonly string[]) => {
    let stdout = '';
    let stderr = '';
    const io: DeployIo = { cwd: dir.path, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
    const code = await runDeployCli([...args, '--config', loop.file], io);
    return { code, stdout, stderr };
  };
  // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document the test edits in place at any depth
  const editEnvironment = (edit: (doc: Record<string, any>) => void) => {
    // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document the test edits in place at any depth
    const doc = load(readFileSync(loop.file, 'utf8')) as Record<string, any>;
    edit(doc);
    writeFileSync(loop.file, dump(doc, { lineWidth: -1 }));
  };
  const root = (node: NodeSpec) => loop.nodeRoot(node.name);
  const tlsOf = (node: NodeSpec, service: string) => ({
    certFile: nodePath(env, node, `/etc/chatops/tls/${service}/cert.pem`),
    keyFile: nodePath(env, node, `/etc/chatops/tls/${service}/key.pem`),
  });

  /** Starts one unit of a node as systemd would, from the deployed files; a stand-in where the daemon cannot run. */
  const startUnit = async (node: NodeSpec, unit: string): Promise<void> => {
    // Units of packages that cannot be installed here have no unit file at all (their package ships it).
    const packaged = ['filebeat.service', 'grafana-server.service', 'elasticsearch.service', 'kibana.service', 'logstash.service'].includes(
      unit,
    );
    const [exe, ...args] = packaged ? [] : unitCommand({ root: root(node), unit }).argv;
    const standIn = async (): Promise<StandIn | undefined> => {
      const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '';
      if (unit.startsWith('chatops@')) {
        // `docker run --publish host:port:3000 ... --name <container>`: the container is the app instance.
        const [host, port] = (args[args.indexOf('--publish') + 1] ?? '').split(':');
        const name = args[args.indexOf('--name') + 1] ?? unit;
        containers.get(node.name)?.add(name);
        return chatopsApp(`chatops app ${name} on ${node.name}`, host ?? '', Number(port));
      }
      if (unit === 'cadvisor.service')
        return cadvisor(`cadvisor on ${node.name}`, flag('listen_ip'), Number(flag('port')), () => [...(containers.get(node.name) ?? [])]);
      if (unit === 'systemd-exporter.service') {
        return systemdExporter(
          `systemd_exporter on ${node.name}`,
          node.address,
          env.ports.systemdExporter,
          tlsOf(node, 'systemd-exporter'),
          unitsOn(env, node),
          () => [...(inactiveUnits.get(node.name) ?? [])],
        );
      }
      if (unit === 'grafana-server.service')
        return httpsService(`grafana on ${node.name}`, node.address, env.ports.grafana, tlsOf(node, 'grafana'));
      // Kibana and Elasticsearch require a client certificate from our CA (mutual TLS): HAProxy, the blackbox probes and
      // deploy's health check present theirs.
      if (unit === 'kibana.service')
        return httpsService(`kibana on ${node.name}`, node.address, env.ports.kibana, tlsOf(node, 'kibana'), {
          clientCaFile: nodePath(env, node, '/etc/chatops/tls/ca.pem'),
        });
      if (unit === 'elasticsearch.service') {
        const p = elasticPaths(env, node);
        return httpsService(
          `elasticsearch on ${node.name}`,
          node.address,
          env.ports.elasticsearch,
          { certFile: p.esCert, keyFile: p.esKey },
          { auth: true, clientCaFile: p.esCa },
        );
      }
      if (unit === 'logstash.service')
        return tlsListener(`logstash beats input on ${node.name}`, node.address, env.ports.logstash, tlsOf(node, 'logstash'));
      // Filebeat only ships logs (nothing listens, nothing here reads them): not started.
      if (unit === 'filebeat.service') return undefined;
      throw new Error(`no stand-in for ${unit} (${exe} is not installed here)`);
    };
    // What the haproxy package creates (its chroot) and systemd's RuntimeDirectory= would.
    if (unit === 'haproxy.service')
      for (const d of ['/run/haproxy', '/var/lib/haproxy']) mkdirSync(nodePath(env, node, d), { recursive: true });
    if (exe && !NOT_INSTALLABLE.some((n) => exe === n || exe.endsWith(`/${n}`)) && existsSync(exe)) {
      started.push({
        node: node.name,
        unit,
        real: startProcess(exe, args, { logFile: join(dir.path, 'logs', `${node.name}-${unit}.log`) }),
      });
    } else {
      const s = await standIn();
      if (s) started.push({ node: node.name, unit, standIn: s });
    }
  };
  const stopUnit = async (node: string, unit: string) => {
    const i = started.findIndex((s) => s.node === node && s.unit === unit);
    if (i < 0) return;
    const [s] = started.splice(i, 1);
    await (s?.real?.stop() ?? s?.standIn?.stop());
  };
  const running = (node: string, unit: string) =>
    started.find((s) => s.node === node && s.unit === unit && (!s.real || s.real.child.exitCode === null));

  /**
   * The init system's part, driven by what deploy asks of `systemctl` on each node (the stand-in records every
   * call; this loop acts on them in order): start/restart (re)starts the unit from the deployed files, reload
   * signals it as the unit's ExecReload would (HAProxy's master USR2, the others HUP; a unit not running yet is
   * started, as its package would have), stop stops it. Units that are not the stack's (oneshots) are ignored.
   */
  const seen = new Map<string, number>();
  let initBusy = false;
  const initErrors: string[] = [];
  let loginIds: { uid: number; gid: number } | undefined;
  const followSystemctl = async () => {
    if (initBusy || !sshd) return;
    initBusy = true;
    try {
      // Deploy drains and readies app servers through HAProxy's admin socket: on a real node it logs in as root;
      // here the login is a plain user, so the socket HAProxy (running as root) creates is handed to that user,
      // as an operator would add a non-root deploy user to the socket's group.
      const socket = nodePath(env, nodeWithRole(env, 'loadbalancer'), '/run/haproxy/admin.sock');
      loginIds ??= {
        uid: Number(execFileSync('id', ['-u', sshd.user], { encoding: 'utf8' })),
        gid: Number(execFileSync('id', ['-g', sshd.user], { encoding: 'utf8' })),
      };
      if (existsSync(socket) && statSync(socket).uid !== loginIds.uid) chownSync(socket, loginIds.uid, loginIds.gid);
      for (const sn of sshd.nodes) {
        const node = env.nodes.find((n) => n.name === sn.name);
        if (!node) continue;
        const calls = sn.systemctlCalls();
        for (const call of calls.slice(seen.get(sn.name) ?? 0)) {
          seen.set(sn.name, (seen.get(sn.name) ?? 0) + 1);
          const [verb, ...units] = call.args;
          for (const unit of units.filter((u) => unitsOn(env, node).includes(u))) {
            timeline.mark(`init: ${verb} ${unit} on ${node.name}`);
            try {
              if (verb === 'stop') await stopUnit(node.name, unit);
              else if (verb === 'restart' || verb === 'start' || verb === 'try-restart' || verb === 'reload-or-restart') {
                if (verb !== 'start' || !running(node.name, unit)) {
                  await stopUnit(node.name, unit);
                  await startUnit(node, unit);
                }
              } else if (verb === 'reload') {
                const r = running(node.name, unit);
                if (!r) await startUnit(node, unit);
                else if (r.real) r.real.child.kill(unit === 'haproxy.service' ? 'SIGUSR2' : 'SIGHUP');
              }
            } catch (e) {
              initErrors.push(`${verb} ${unit} on ${node.name}: ${(e as Error).message}`);
            }
          }
        }
      }
    } finally {
      initBusy = false;
    }
  };
  let initTimer: NodeJS.Timeout | undefined;
  const viaEdge = (host: string, path: string, auth = true) =>
    httpsGet({
      host: nodeWithRole(env, 'loadbalancer').address,
      port: env.ports.https,
      path,
      servername: host,
      ca: publicCa,
      headers: { host, ...(auth ? { authorization: ADMIN } : {}) },
    });
  const prometheusApi = async <T>(path: string): Promise<T> => {
    const prom = nodeWithRole(env, 'prometheus');
    const r = await httpsGet({
      host: prom.address,
      port: env.ports.prometheus,
      path,
      servername: nodeFqdn(env, prom),
      ca: internalCa,
      // Prometheus requires a client certificate from our CA (mutual TLS): its own, as deployed on its node.
      client: {
        cert: readFileSync(nodePath(env, prom, '/etc/chatops/tls/prometheus-client/cert.pem'), 'utf8'),
        key: readFileSync(nodePath(env, prom, '/etc/chatops/tls/prometheus-client/key.pem'), 'utf8'),
      },
      headers: { authorization: ADMIN },
    });
    if (r.status !== 200) throw new Error(`Prometheus ${path}: ${r.status} ${r.body}`);
    return (JSON.parse(r.body) as { data: T }).data;
  };
  const slackMessages = () => slack.bodies.map((b) => JSON.parse(b.body) as SlackMessage);

  beforeAll(async () => {
    for (const bin of [
      'haproxy',
      'prometheus',
      'prometheus-alertmanager',
      'prometheus-blackbox-exporter',
      'prometheus-node-exporter',
      'stunnel4',
      'promtool',
      'amtool',
    ])
      requireBinary(bin);
    mkdirSync(join(dir.path, 'logs'), { recursive: true });
    slack = await recorder();
    smtp = await smtpSink();

    loop = await timeline.step('render a loopback environment (6 nodes on 127.0.70.x)', () =>
      loopbackEnvironment({
        dir: dir.path,
        subnet: 70,
        chatopsNodes: 2,
        overrides: {
          alerting: {
            email: { to: ['ops@chatops.test'], from: 'alerts@chatops.test', smarthost: `${smtp.host}:${smtp.port}`, requireTls: false },
            groupWait: '5s',
            groupInterval: '5m',
            repeatInterval: '1h',
          },
          prometheus: {
            scrapeInterval: '1s',
            evaluationInterval: '1s',
            // The stack's cause-before-symptom ladder of delays (whole minutes by default), scaled to seconds.
            alertFor: {
              NodeDown: '5s',
              SystemdUnitDown: '5s',
              TargetDown: '10s',
              HaproxyBackendDown: '10s',
              ChatOpsInstanceDown: '15s',
              HaproxyBackendServerDown: '15s',
              EndpointProbeFailed: '15s',
            },
          },
        },
      }),
    );
    writeFileSync(join(dir.path, 'secrets', 'slack-webhook'), `${slack.url}/services/T000/B000/XXXX\n`);
    env = loadEnvironment(loop.file, { services: RENDERERS }).environment;

    sshd = await timeline.step('start one real sshd per node', () =>
      startSshdNodes({
        dir: join(dir.path, 'sshd'),
        nodes: env.nodes.map((n) => ({ name: n.name, address: n.address, root: loop.nodeRoot(n.name) })),
        standInBinaries: NOT_INSTALLABLE,
        standInUsers: PACKAGE_USERS,
      }),
    );
    editEnvironment((doc) => {
      doc.ssh = sshd.sshSettings();
    });

    for (const node of env.nodes) {
      containers.set(node.name, new Set());
      inactiveUnits.set(node.name, new Set());
    }
    initTimer = setInterval(() => void followSystemctl(), 100);
    const applied = await timeline.step('deploy apply (every node; the test starts units as deploy asks systemctl)', () =>
      deploy(['apply', 'loopback', '--yes']),
    );
    expect(initErrors).toEqual([]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    // The public certificate is self-signed here: the trust anchor is the deployed bundle's certificate.
    const lb = nodeWithRole(env, 'loadbalancer');
    const bundle = readFileSync(nodePath(env, lb, `/etc/haproxy/certs/${env.domain}.pem`), 'utf8');
    publicCa = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(bundle)?.[0] ?? '';
    internalCa = readFileSync(nodePath(env, lb, '/etc/chatops/tls/ca.pem'), 'utf8');

    await timeline.step('every unit deploy asked for is running; every listener opens', async () => {
      await followSystemctl();
      for (const node of env.nodes) {
        const missing = unitsOn(env, node).filter((u) => !running(node.name, u) && u !== 'filebeat.service');
        const exited = started.filter((s) => s.node === node.name && s.real && s.real.child.exitCode !== null);
        expect(
          missing,
          `units on ${node.name} not running (never started by deploy, or exited: ${exited.map((s) => `${s.unit}: ${s.real?.output().slice(-800)}`).join('\n')})`,
        ).toEqual([]);
      }
      for (const node of env.nodes) {
        for (const l of listenersOn(env, node)) {
          if (l.service === 'certbot') continue;
          const address = l.tls === 'none' && l.service !== 'haproxy' ? node.localAddress : node.address;
          await waitForPort(address, l.port, { timeoutMs: 30_000 }).catch((e: Error) => {
            throw new Error(
              `${node.name}: ${l.label} (${address}:${l.port}) never opened: ${e.message}\n${started
                .filter((s) => s.node === node.name && s.real)
                .map((s) => `${s.unit}: ${s.real?.output().slice(-1500)}`)
                .join('\n')}`,
            );
          });
        }
      }
    });
  }, 300_000);

  afterAll(async () => {
    clearInterval(initTimer);
    for (const s of started.reverse()) await (s.real?.stop() ?? s.standIn?.stop());
    await sshd?.stop();
    await slack?.[Symbol.asyncDispose]();
    await smtp?.[Symbol.asyncDispose]();
    timeline.mark('stopped everything');
    timeline.write(TIMELINE_FILE);
    dir[Symbol.dispose]();
  });

  it(
    'every public host answers through HAProxy over verified TLS, with auth where required',
    async () => {
      await timeline.step('check every public host through HAProxy', async () => {
        for (const host of publicHosts(env)) {
          const sub = host === env.domain ? 'chatops' : host.slice(0, host.length - env.domain.length - 1);
          // Prometheus and Alertmanager are the real daemons (their health paths); the rest are stand-ins that name themselves.
          const path = sub === 'prometheus' || sub === 'alertmanager' ? '/-/healthy' : '/';
          const r = await eventually(
            async () => {
              const reply = await viaEdge(host, path);
              return reply.status === 200 ? reply : undefined;
            },
            { timeoutMs: 30_000, what: `${host}${path} to answer 200 through HAProxy` },
          );
          if (sub === 'prometheus') expect(r.body).toContain('Prometheus');
          else if (sub === 'alertmanager') expect(r.body).toContain('OK');
          else expect(JSON.parse(r.body).standIn, host).toMatch(new RegExp(`^${sub === 'chatops' ? 'chatops app' : sub} `));
          const anonymous = await viaEdge(host, path, false);
          expect(anonymous.status, `${host} without credentials`).toBe(sub === 'grafana' ? 200 : 401);
        }
        // Every ChatOps instance serves: HAProxy balances across all of them.
        const seen = new Set<string>();
        for (let i = 0; i < 4 * chatopsInstances(env).length && seen.size < chatopsInstances(env).length; i++)
          seen.add(JSON.parse((await viaEdge(env.domain, '/')).body).standIn);
        expect(seen.size).toBe(chatopsInstances(env).length);
      });
    },
    CHECK_TIMEOUT,
  );

  it(
    'Prometheus scrapes every target and probe, all up',
    async () => {
      await timeline.step('wait for every Prometheus target to be up', async () => {
        const expected = metricsEndpoints(env).length + probeTargets(env).length;
        type Target = { labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string };
        let last: Target[] = [];
        await eventually(
          async () => {
            last = (await prometheusApi<{ activeTargets: Target[] }>('/api/v1/targets')).activeTargets;
            return last.length === expected && last.every((t) => t.health === 'up') ? true : undefined;
          },
          { timeoutMs: 60_000, what: `${expected} targets up` },
        ).catch(() => {
          throw new Error(
            `${last.length} of ${expected} targets, not all up:\n${last
              .filter((t) => t.health !== 'up')
              .map((t) => `${t.labels.job} ${t.scrapeUrl}: ${t.health} ${t.lastError}`)
              .join('\n')}`,
          );
        });
        expect(last).toHaveLength(expected);
      });
    },
    CHECK_TIMEOUT,
  );

  it(
    'a second deploy apply changes nothing',
    async () => {
      const plan = await timeline.step('deploy plan', () => deploy(['plan', 'loopback']));
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      const r = await timeline.step('deploy apply again', () => deploy(['apply', 'loopback', '--yes', '--json']));
      expect(r.code).toBe(0);
      const summary = jsonLines(r.stdout).find((e) => e.type === 'summary');
      expect(summary.status).toBe('nothing-to-do');
    },
    CHECK_TIMEOUT,
  );

  it(
    'one ChatOps instance stops: one grouped notification to Slack and to the mailbox; HAProxy serves from the others',
    async () => {
      // A quiet start: nothing but the Watchdog fires.
      type Alert = { labels: Record<string, string>; state: string };
      await timeline.step('wait until only the Watchdog fires', () =>
        eventually(
          async () =>
            (await prometheusApi<{ alerts: Alert[] }>('/api/v1/alerts')).alerts.every((a) => a.labels.alertname === 'Watchdog')
              ? true
              : undefined,
          { timeoutMs: 90_000, what: 'a quiet stack (only the Watchdog firing)' },
        ),
      );
      const slackBefore = slackMessages().length;
      const mailsBefore = smtp.mails.length;
      const [victim] = chatopsInstances(env);
      if (!victim) throw new Error('no ChatOps instance');
      timeline.mark(`stop ${victim.unit} on ${victim.node.name}`);
      await stopUnit(victim.node.name, victim.unit);
      containers.get(victim.node.name)?.delete(victim.containerName);
      inactiveUnits.get(victim.node.name)?.add(victim.unit);

      // Users keep being served while the alert builds up.
      const served = new Set<string>();
      const notified = await timeline.step('wait for the notification (rules pending, then group_wait)', () =>
        eventually(
          async () => {
            const r = await viaEdge(env.domain, '/');
            expect(r.status).toBe(200);
            served.add(JSON.parse(r.body).standIn);
            return slackMessages().length > slackBefore && smtp.mails.length > mailsBefore ? true : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 500, what: 'a Slack message and a mail after the instance stopped' },
        ),
      );
      expect(notified).toBe(true);
      // Let every other group that the fault opened flush too (group_wait is 5s), then count.
      await new Promise((r) => setTimeout(r, 12_000));
      const messages = slackMessages().slice(slackBefore);
      const mails = smtp.mails.slice(mailsBefore);
      // One fault, one notification per receiver: the unit, its container and its HAProxy server all go down, and
      // the widest alert mutes the others (derived inhibitions).
      const titles = messages.map((m) => m.attachments[0]?.title ?? '');
      timeline.mark(`notified: Slack ${JSON.stringify(titles)}, ${mails.length} mail(s)`);
      expect(titles).toHaveLength(1);
      expect(titles[0]).toMatch(/^\[FIRING:1\] (SystemdUnitDown|ChatOpsInstanceDown)$/);
      expect(messages[0]?.attachments[0]?.text).toContain(victim.node.name);
      expect(mails).toHaveLength(1);
      expect(mailText(mails[0]!)).toContain(titles[0]?.split(' ')[1] ?? '?');
      expect(served.has(`chatops app ${victim.containerName} on ${victim.node.name}`)).toBe(false);
      expect(served.size).toBeGreaterThan(0);
    },
    CHECK_TIMEOUT,
  );

  it(
    'a one-rule change reloads only Prometheus, and the new rule is live',
    async () => {
      editEnvironment((doc) => {
        doc.prometheus.alertFor.NodeDown = '2m';
      });
      // (The call logs are not cleared: the init loop reads them by position.)
      const callsBefore = new Map(sshd.nodes.map((n) => [n.name, n.systemctlCalls().length]));
      const r = await timeline.step('deploy apply a one-rule change', () => deploy(['apply', 'loopback', '--yes']));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const prom = nodeWithRole(env, 'prometheus');
      for (const n of sshd.nodes) {
        // What changes a unit's state (is-active/status are deploy's health checks).
        const calls = n
          .systemctlCalls()
          .slice(callsBefore.get(n.name))
          .map((c) => c.args.join(' '))
          .filter((c) => !/^(is-active|status|show)\b/.test(c));
        expect(calls, `${n.name}\n${r.stdout}`).toEqual(n.name === prom.name ? ['reload prometheus.service'] : []);
      }
      // The init loop answered `systemctl reload prometheus.service` as Debian's unit does: kill -HUP $MAINPID.
      await timeline.step('wait for the changed rule to be live', () =>
        eventually(
          async () => {
            type Rule = { name: string; duration: number };
            const groups = (await prometheusApi<{ groups: { rules: Rule[] }[] }>('/api/v1/rules')).groups;
            return groups.flatMap((g) => g.rules).find((x) => x.name === 'NodeDown')?.duration === 120 ? true : undefined;
          },
          { timeoutMs: 30_000, what: 'NodeDown with for: 2m loaded' },
        ),
      );
    },
    CHECK_TIMEOUT,
  );
});
