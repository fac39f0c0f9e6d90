import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AlertmanagerConfigInput, type LabelSet, RouteSimulator, printAlertmanagerConfig } from '@chatops/alertmanager-config';
import { intervalContains } from '../src/time-intervals.js';
import { eventually, freePorts, recorder, requireBinary, run, startProcess, tempDir, waitForPort } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { postAlerts } from './_alertmanager.js';
import { sampleConfig } from './fixtures.js';

const ALERTS: LabelSet[] = [
  {},
  { alertname: 'A' },
  { alertname: 'A', severity: 'critical' },
  { alertname: 'A', severity: 'critical', service: 'postgres' },
  { alertname: 'A', severity: 'warning', service: 'postgres' },
  { alertname: 'A', severity: 'warning', service: 'postgres', env: 'dev' },
  { alertname: 'A', severity: 'page', service: 'mysql', cluster: 'c1' },
  { alertname: 'A', severity: 'page', service: 'mysqlx' },
  { alertname: 'A', service: 'webserver' },
  { alertname: 'A', service: 'web' },
  { alertname: 'A', service: 'aweb' },
  { alertname: 'A', team: 'nobody' },
  { alertname: 'A', team: 'nobody', severity: 'critical' },
  { alertname: 'A', severity: 'critical ' },
  { alertname: 'A', severity: 'Critical' },
  { alertname: 'A', service: 'postgres', env: '' },
  { alertname: 'A', service: 'web, "quoted"' },
];

/** `amtool config routes test` on a config file: the receivers it prints. */
function amtoolReceivers(file: string, labels: LabelSet): string[] {
  const args = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const r = run('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...args]);
  if (r.status !== 0) throw new Error(`amtool failed: ${r.stderr}`);
  return r.stdout.trim().split(',');
}

const continueTree: AlertmanagerConfigInput = {
  route: {
    receiver: 'a',
    routes: [
      { matchers: ['x="1"'], receiver: 'b', continue: true },
      { matchers: ['x=~"1|2"'], receiver: 'b', continue: true, routes: [{ matchers: ['z!~"n.*"'], receiver: 'c' }] },
      { matchers: ['y="1"'], receiver: 'c' },
      { matchers: ['y=~".*"'], receiver: 'a' },
    ],
  },
  receivers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
};

describe('the route simulator agrees with amtool config routes test', () => {
  it.each([
    ['the sample config', sampleConfig],
    ['a tree of continue routes', continueTree],
  ])('on %s', (_, config) => {
    requireBinary('amtool');
    using dir = tempDir('am-sim-');
    const file = join(dir.path, 'alertmanager.yml');
    writeFileSync(file, printAlertmanagerConfig(config));
    const sim = new RouteSimulator(config);
    const table = [...ALERTS, { x: '1' }, { x: '2' }, { x: '2', z: 'no' }, { x: '1', y: '1' }, { y: '2' }, { x: '1', y: '1', z: 'nope' }];
    const ours = table.map((labels) => `${JSON.stringify(labels)} -> ${sim.receivers(labels).join(',')}`);
    const theirs = table.map((labels) => `${JSON.stringify(labels)} -> ${amtoolReceivers(file, labels).join(',')}`);
    expect(ours).toEqual(theirs);
  });
});

describe('group keys and inhibition', () => {
  it('computes group keys as Alertmanager does', () => {
    const sim = new RouteSimulator(sampleConfig);
    const keys = (labels: LabelSet) => sim.route(labels).map((r) => `${r.receiver} ${r.groupKey}`);
    expect(keys({ alertname: 'A', severity: 'critical', node: 'n1' })).toEqual([
      'slack {}/{severity="critical"}:{alertname="A"}',
      'email {}/{severity="critical"}:{alertname="A"}',
    ]);
    expect(keys({ alertname: 'A', severity: 'page', service: 'mysql', cluster: 'c1' })).toEqual([
      'pager {}/{env!="dev",service=~"postgres|mysql"}/{severity="page"}:{alertname="A", cluster="c1"}',
    ]);
    expect(keys({ alertname: 'B', service: 'web', x: 'a"b' })).toEqual([
      'webhook {}/{service=~"web.*"}:{alertname="B", service="web", x="a\\"b"}',
    ]);
    expect(keys({ node: 'n' })).toEqual(['slack {}:{}']);
  });

  it('mutes targets of an inhibit rule while a source fires with equal labels, never a source by itself', () => {
    const sim = new RouteSimulator(sampleConfig);
    const batch: LabelSet[] = [
      { alertname: 'NodeDown', severity: 'critical', node: 'n1' },
      { alertname: 'DiskFull', severity: 'warning', node: 'n1' },
      { alertname: 'DiskFull', severity: 'warning', node: 'n2' },
      { alertname: 'DiskFull', severity: 'critical', node: 'n2' },
      { alertname: 'Other', severity: 'warning' },
    ];
    expect(
      sim
        .simulate(batch)
        .map((a) =>
          a.inhibitedBy
            ? `muted by rule ${a.inhibitedBy.rule}: ${a.inhibitedBy.source.alertname}@${a.inhibitedBy.source.node}`
            : 'notified',
        ),
    ).toEqual(['notified', 'muted by rule 0: NodeDown@n1', 'muted by rule 1: DiskFull@n2', 'notified', 'notified']);
    // A missing label equals a missing label: two alerts without `node` count as "equal".
    expect(sim.inhibition({ alertname: 'X', severity: 'warning' }, [{ alertname: 'NodeDown', severity: 'critical' }])?.rule).toBe(0);
  });
});

describe('against a real Alertmanager', () => {
  it('delivers the groups the simulator predicts, with the same group keys, and drops inhibited alerts', async () => {
    const binary = requireBinary('prometheus-alertmanager');
    using dir = tempDir('am-live-');
    await using hook = await recorder();
    const config: AlertmanagerConfigInput = {
      route: {
        receiver: 'default',
        group_by: ['alertname'],
        group_wait: '1s',
        group_interval: '1m',
        repeat_interval: '1h',
        routes: [
          { receiver: 'critical', matchers: ['severity="critical"'], continue: true },
          { receiver: 'db', matchers: ['{service=~"db|cache"}'], group_by: ['alertname', 'node'] },
        ],
      },
      receivers: ['default', 'critical', 'db'].map((name) => ({ name, webhook_configs: [{ url: `${hook.url}/${name}` }] })),
      inhibit_rules: [{ source_matchers: ['alertname="NodeDown"'], target_matchers: ['alertname!="NodeDown"'], equal: ['node'] }],
    };
    const file = join(dir.path, 'alertmanager.yml');
    writeFileSync(file, printAlertmanagerConfig(config));
    const [port] = await freePorts(1);
    await using am = startProcess(binary, [
      `--config.file=${file}`,
      `--storage.path=${join(dir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ]);
    await waitForPort('127.0.0.1', port as number, { process: am });
    const batch: LabelSet[] = [
      { alertname: 'Down', severity: 'critical', node: 'n1' },
      { alertname: 'Down', severity: 'critical', node: 'n2' },
      { alertname: 'Slow', severity: 'warning', node: 'n1', service: 'db' },
      { alertname: 'Slow', severity: 'warning', node: 'n2', service: 'db' },
      { alertname: 'NodeDown', node: 'n3' },
      { alertname: 'Slow', severity: 'warning', node: 'n3', service: 'cache' },
    ];
    await postAlerts(`http://127.0.0.1:${port}`, batch);
    const expected = new RouteSimulator(config)
      .notifications(batch)
      .map(
        (n) =>
          `${n.receiver} ${n.groupKey} ${n.alerts
            .map((a) => a.node)
            .sort()
            .join(',')}`,
      )
      .sort();
    const delivered = await eventually(
      () => {
        if (hook.bodies.length < expected.length) return undefined;
        return hook.bodies
          .map(({ body }) => JSON.parse(body) as { receiver: string; groupKey: string; alerts: { labels: LabelSet }[] })
          .map(
            (m) =>
              `${m.receiver} ${m.groupKey} ${m.alerts
                .map((a) => a.labels.node)
                .sort()
                .join(',')}`,
          )
          .sort();
      },
      { what: 'webhook notifications', timeoutMs: 20_000 },
    );
    expect(delivered).toEqual(expected);
    // Nothing more comes once the groups have flushed (the inhibited alert in particular).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hook.bodies).toHaveLength(expected.length);
    expect(expected).toMatchInlineSnapshot(`
      [
        "critical {}/{severity="critical"}:{alertname="Down"} n1,n2",
        "db {}/{service=~"db|cache"}:{alertname="Slow", node="n1"} n1",
        "db {}/{service=~"db|cache"}:{alertname="Slow", node="n2"} n2",
        "default {}:{alertname="NodeDown"} n3",
      ]
    `);
  });
});

describe('time intervals', () => {
  it('mutes a route inside its mute_time_intervals, in the interval location', () => {
    const sim = new RouteSimulator(sampleConfig);
    const page = { alertname: 'A', severity: 'page', service: 'mysql' };
    const at = (iso: string) =>
      sim.route(page, { at: new Date(iso) }).map((r) => `${r.receiver}${r.mutedByTime ? ` (${r.mutedByTime})` : ''}`);
    expect(at('2026-11-25T10:00:00Z')).toEqual(['pager']); // Wednesday morning
    expect(at('2026-11-25T19:30:00Z')).toEqual(['pager (mute_time_intervals: offhours)']); // Wednesday evening (UTC)
    expect(at('2026-11-28T00:30:00Z')).toEqual(['pager (mute_time_intervals: offhours)']); // Saturday in London
    expect(at('2026-11-27T23:59:00Z')).toEqual(['pager (mute_time_intervals: offhours)']); // Friday 23:59, before 24:00
    expect(sim.notifications([page], { at: new Date('2026-11-25T19:30:00Z') })).toEqual([]);
  });

  it('evaluates days of month from the end, months and years', () => {
    const interval = (spec: Record<string, unknown>) => ({ name: 'x', time_intervals: [spec] });
    expect(intervalContains(interval({ days_of_month: ['-1'] }), new Date('2024-02-29T12:00:00Z'))).toBe(true);
    expect(intervalContains(interval({ days_of_month: ['-1'] }), new Date('2024-02-28T12:00:00Z'))).toBe(false);
    expect(intervalContains(interval({ months: ['november:december'], years: ['2026'] }), new Date('2026-11-28T12:00:00Z'))).toBe(true);
    expect(intervalContains(interval({ months: ['1:3'] }), new Date('2026-11-28T12:00:00Z'))).toBe(false);
  });

  it('rejects an unknown time zone', () => {
    expect(
      () => new RouteSimulator({ ...sampleConfig, time_intervals: [{ name: 'offhours', time_intervals: [{ location: 'Mars/Olympus' }] }] }),
    ).toThrow('time_intervals.offhours.time_intervals.0.location: expected an IANA time zone like Europe/London');
  });
});
