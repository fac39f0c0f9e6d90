import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { ALERTMANAGER_PATHS } from '../src/alertmanager-renderer.js';
import { clientCertificateId, nodePath, nodeWithRole } from '@chatops/environment';
import { PROMETHEUS_PATHS, renderPrometheus } from '@chatops/prometheus-rules';
import { prepareRender, renderStack, writeArtifacts } from '@chatops/stack';
import {
  type ClientPair,
  LOOPBACK_PASSWORDS,
  clientsToRefuse,
  eventually,
  httpsStatus,
  loopbackEnvironment,
  mailText,
  recorder,
  requireBinary,
  smtpSink,
  startProcess,
  tempDir,
  waitForPort,
} from '@chatops/testing';
import { describe, expect, it } from 'vitest';

interface SlackMessage {
  channel: string;
  attachments: { title: string; title_link: string; text: string; color: string }[];
}

/** A client certificate and key (Alertmanager requires one from our CA: mutual TLS). */
interface Client {
  readonly cert: string;
  readonly key: string;
}

/** GET over TLS trusting our CA, presenting `client`'s certificate, with basic auth. */
function httpsGet(url: string, ca: string, client: Client, auth: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, ...client, headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url}: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

function args(defaultsFile: string): string[] {
  const line = /^ARGS="(.*)"$/m.exec(readFileSync(defaultsFile, 'utf8'))?.[1];
  if (line === undefined) throw new Error(`no ARGS in ${defaultsFile}`);
  return line.split(' ');
}

describe('alerting end to end on loopback', () => {
  it('real Prometheus rules -> real Alertmanager -> one grouped Slack message, a mail, inhibited alerts dropped', async () => {
    const prometheusBin = requireBinary('prometheus');
    const alertmanagerBin = requireBinary('prometheus-alertmanager');
    using dir = tempDir('am-e2e-');
    await using slack = await recorder();
    await using smtp = await smtpSink();
    const loop = await loopbackEnvironment({
      dir: dir.path,
      subnet: 5,
      overrides: {
        alerting: {
          email: { to: ['ops@chatops.test'], from: 'alerts@chatops.test', smarthost: `${smtp.host}:${smtp.port}`, requireTls: false },
          // Inhibition is decided when a group flushes, against alerts already firing: the rules' own ladder of
          // `for` durations (scaled down below) makes NodeDown fire before what it mutes, so group_wait stays short.
          groupWait: '2s',
          groupInterval: '5m',
          repeatInterval: '1h',
        },
        prometheus: { scrapeInterval: '1s', evaluationInterval: '1s' },
      },
    });
    // The Slack stand-in: the webhook URL is a secret read from a file, like the real one.
    writeFileSync(join(dir.path, 'secrets', 'slack-webhook'), `${slack.url}/services/T000/B000/XXXX\n`);

    const ctx = await prepareRender(loop.file, { pkiDir: join(dir.path, 'pki') });
    const { bundles } = renderStack(ctx);
    const node = nodeWithRole(ctx.env, 'alertmanager');
    expect(nodeWithRole(ctx.env, 'prometheus').name).toBe(node.name);
    writeArtifacts(bundles.get(node.name) ?? []);
    // The stack's own rules, their cause-before-symptom ladder scaled from minutes to seconds (NodeDown 5s,
    // TargetDown 10s, ChatOpsInstanceDown 15s), steps still longer than a scrape plus two evaluations.
    writeArtifacts(renderPrometheus(node, ctx, { rules: { step: '5s' } }).artifacts);

    await using am = startProcess(alertmanagerBin, args(nodePath(ctx.env, node, ALERTMANAGER_PATHS.defaults)));
    await waitForPort(node.address, ctx.env.ports.alertmanager, { process: am });
    // Mutual TLS: our client certificate (here Prometheus', which it sends alerts with) gets to basic auth; no client
    // certificate, another CA's client leaf, or a server leaf of ours (serverAuth only) is refused in the handshake.
    const client = ctx.pki.leaf(clientCertificateId(node, 'prometheus'));
    const status = (c: ClientPair | undefined) =>
      httpsStatus(`https://${node.address}:${ctx.env.ports.alertmanager}/api/v2/status`, ctx.pki.caCert, c);
    expect(await status(client)).toBe(401);
    const service = { node, service: 'prometheus' };
    for (const refused of await clientsToRefuse(ctx, dir.path, service, { node, service: 'alertmanager' }))
      expect(await status(refused)).toEqual(expect.any(String));
    // Alerts firing before Prometheus has discovered Alertmanager are dropped and only resent after a minute:
    // resend every second instead.
    const promArgs = [...args(nodePath(ctx.env, node, PROMETHEUS_PATHS.defaults)), '--rules.alert.resend-delay=1s'];
    await using prom = startProcess(prometheusBin, promArgs);
    await waitForPort(node.address, ctx.env.ports.prometheus, { process: prom });

    // Every node but the monitoring node is down (nothing listens there): NodeDown fires for each of them at once.
    const down = ctx.env.nodes
      .filter((n) => n.name !== node.name)
      .map((n) => n.name)
      .sort();
    const messages = () => slack.bodies.map((b) => JSON.parse(b.body) as SlackMessage);
    const nodeDown = await eventually(() => messages().find((m) => m.attachments[0]?.title.includes('NodeDown')), {
      what: `a Slack message about NodeDown\n${am.output()}`,
      timeoutMs: 60_000,
    });
    const mail = await eventually(() => smtp.mails.find((m) => m.data.includes('NodeDown')), {
      what: 'a mail about NodeDown',
      timeoutMs: 20_000,
    });
    // Alertmanager's own view, once the symptoms have fired too: the ChatOps containers and the scrape targets of
    // the down nodes are there, each suppressed by the NodeDown of its node.
    type AmAlert = { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } };
    const amAlerts = async () =>
      JSON.parse(
        await httpsGet(
          `https://${node.address}:${ctx.env.ports.alertmanager}/api/v2/alerts`,
          ctx.pki.caCert,
          client,
          `admin:${LOOPBACK_PASSWORDS.admin}`,
        ),
      ) as AmAlert[];
    const appNodes = ctx.env.nodes.filter((n) => n.roles.includes('chatops')).map((n) => n.name);
    const alerts = await eventually(
      async () => {
        const all = await amAlerts();
        const on = (name: string) => new Set(all.filter((a) => a.labels.alertname === name).map((a) => a.labels.node));
        return appNodes.every((n) => on('ChatOpsInstanceDown').has(n)) && down.every((n) => on('TargetDown').has(n)) ? all : undefined;
      },
      { what: `ChatOpsInstanceDown and TargetDown in Alertmanager for every down node\n${am.output().slice(-3000)}`, timeoutMs: 60_000 },
    );
    // Their groups flush group_wait after they arrive: let any message they would cause arrive.
    await new Promise((resolve) => setTimeout(resolve, 5_000));

    const attachment = nodeDown.attachments[0];
    expect(nodeDown.channel).toBe('#alerts');
    expect(attachment?.title).toBe(`[FIRING:${down.length}] NodeDown`);
    expect(attachment?.color).toBe('danger');
    // Links in notifications come from --web.external-url, which carries the edge's non-default HTTPS port.
    const alertmanagerUrl = `https://alertmanager.${ctx.env.domain}:${ctx.env.ports.https}/`;
    expect(attachment?.title_link).toBe(`${alertmanagerUrl}#/alerts?receiver=slack`);
    for (const n of down) expect(attachment?.text).toContain(`*NodeDown* on \`${n}\` (critical)`);
    // ONE message for N nodes.
    expect(messages().filter((m) => m.attachments[0]?.title.includes('NodeDown'))).toHaveLength(1);

    expect(mail.to).toEqual(['ops@chatops.test']);
    expect(mail.from).toBe('alerts@chatops.test');
    for (const n of down) expect(mail.data).toContain(n);
    expect(mailText(mail)).toContain(alertmanagerUrl);

    // The ChatOps instances and the scrape targets on the down nodes fire too, after NodeDown: the NodeDown alerts
    // inhibit them, so they reach neither Slack nor the mailbox.
    const titles = messages().map((m) => m.attachments[0]?.title ?? '');
    expect(titles.some((t) => t.includes('ChatOpsInstanceDown'))).toBe(false);
    const symptoms = alerts.filter(
      (a) => ['ChatOpsInstanceDown', 'TargetDown'].includes(a.labels.alertname ?? '') && down.includes(a.labels.node ?? ''),
    );
    expect(symptoms.length).toBeGreaterThan(appNodes.length);
    for (const a of symptoms) {
      expect(a.status.state, `${a.labels.alertname} on ${a.labels.node}`).toBe('suppressed');
      expect(a.status.inhibitedBy.length).toBeGreaterThan(0);
    }
    const subjects = smtp.mails.map((m) => /^Subject: (.*)$/m.exec(m.data)?.[1] ?? '');
    expect(subjects.some((s) => s.includes('ChatOpsInstanceDown'))).toBe(false);
    // Nothing but NodeDown speaks of a down node; the monitoring node's own dead exporters are still reported.
    const others = messages().filter((m) => !m.attachments[0]?.title.includes('NodeDown'));
    for (const m of others) for (const n of down) expect(m.attachments[0]?.text).not.toContain(`\`${n}\``);
    expect(others.find((m) => m.attachments[0]?.title.includes('TargetDown'))?.attachments[0]?.text).toContain(
      `*TargetDown* on \`${node.name}\``,
    );
  });
});

describe('meta-monitoring on loopback', () => {
  it("Slack answering 500: the notification failure is mailed, never sent to Slack; the Watchdog pings the dead-man's switch", async () => {
    const prometheusBin = requireBinary('prometheus');
    const alertmanagerBin = requireBinary('prometheus-alertmanager');
    using dir = tempDir('am-meta-');
    await using slack = await recorder('127.0.0.1', 500);
    await using deadMansSwitch = await recorder();
    await using smtp = await smtpSink();
    const loop = await loopbackEnvironment({
      dir: dir.path,
      subnet: 6,
      overrides: {
        alerting: {
          email: { to: ['ops@chatops.test'], from: 'alerts@chatops.test', smarthost: `${smtp.host}:${smtp.port}`, requireTls: false },
          deadMansSwitch: { url: { file: 'secrets/dead-mans-switch' }, interval: '1h' },
          // A Slack notification is counted as failed once its retries give up, which Alertmanager bounds by
          // group_interval (10s at least): keep it short.
          groupWait: '1s',
          groupInterval: '10s',
          repeatInterval: '1h',
        },
        prometheus: { scrapeInterval: '1s', evaluationInterval: '1s' },
      },
    });
    writeFileSync(join(dir.path, 'secrets', 'slack-webhook'), `${slack.url}/services/T000/B000/XXXX\n`);
    writeFileSync(join(dir.path, 'secrets', 'dead-mans-switch'), `${deadMansSwitch.url}/ping/5f2c\n`);

    const ctx = await prepareRender(loop.file, { pkiDir: join(dir.path, 'pki') });
    const { bundles } = renderStack(ctx);
    const node = nodeWithRole(ctx.env, 'alertmanager');
    writeArtifacts(bundles.get(node.name) ?? []);
    writeArtifacts(renderPrometheus(node, ctx, { rules: { for: '0s' } }).artifacts);

    await using am = startProcess(alertmanagerBin, args(nodePath(ctx.env, node, ALERTMANAGER_PATHS.defaults)));
    await waitForPort(node.address, ctx.env.ports.alertmanager, { process: am });
    await using prom = startProcess(prometheusBin, [
      ...args(nodePath(ctx.env, node, PROMETHEUS_PATHS.defaults)),
      '--rules.alert.resend-delay=1s',
    ]);
    await waitForPort(node.address, ctx.env.ports.prometheus, { process: prom });

    // The Watchdog reaches the dead-man's switch, and nothing else does.
    const ping = await eventually(() => deadMansSwitch.bodies[0], { what: `a dead-man's switch ping\n${am.output()}`, timeoutMs: 30_000 });
    expect(ping.path).toBe('/ping/5f2c');
    expect(JSON.parse(ping.body).attachments[0].title).toBe('Watchdog');

    // Every other node is down: NodeDown goes to Slack (which fails) and e-mail. Slack's failure is reported by mail.
    const mail = await eventually(() => smtp.mails.find((m) => m.data.includes('AlertmanagerNotificationsFailing')), {
      what: `a mail about AlertmanagerNotificationsFailing\n${am.output().slice(-3000)}`,
      timeoutMs: 90_000,
    });
    expect(mail.to).toEqual(['ops@chatops.test']);
    expect(mailText(mail)).toContain('integration = slack');
    expect(slack.bodies.length).toBeGreaterThan(0);
    expect(slack.bodies.some((b) => b.body.includes('AlertmanagerNotificationsFailing'))).toBe(false);
    expect(deadMansSwitch.bodies.every((b) => JSON.parse(b.body).attachments[0].title === 'Watchdog')).toBe(true);
  });
});
