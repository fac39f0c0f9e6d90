import { type Environment, type NodeSpec, type ServiceName, chatopsInstances, metricsKinds } from '@chatops/environment';
import { unitsOn } from '@chatops/environment';
import { exactRegex, promqlString } from '@chatops/prometheus-common';
import type { Dashboard, DatasourceRef } from './dashboard.js';
import { type PanelProps, type RowProps, buildDashboard } from './dashboard-builder.js';

/** systemd units that must be active on a node (what `systemd_unit_state{name=...}` reports). */
export type UnitsOf = (env: Environment, node: NodeSpec) => readonly string[];

export interface StackDashboardsProps {
  /** The provisioned Prometheus datasource every panel queries. */
  readonly datasource: DatasourceRef;
  /** @default `unitsOn` from `@chatops/environment` (the units the "systemd unit down" alert watches) */
  readonly unitsOf?: UnitsOf;
}

/** The `job` label of a service's scrape targets (its `metrics` facts, shared with the Prometheus config). */
function jobOf(env: Environment, service: ServiceName): string {
  const kind = metricsKinds(env).find((k) => k.service === service);
  if (!kind) throw new Error(`no metrics endpoint kind for ${service}`);
  return kind.job;
}

const UP_DOWN = { '1': { text: 'UP', color: 'green' }, '0': { text: 'DOWN', color: 'red' } } as const;

/** ChatOps containers as cAdvisor sees them: the containers the app units start (and the alert rule watches). */
export function chatopsContainersDashboard(env: Environment, props: StackDashboardsProps): Dashboard {
  const instances = chatopsInstances(env);
  const sel = `job=${promqlString(jobOf(env, 'cadvisor'))}, name=~${promqlString(exactRegex([...new Set(instances.map((i) => i.containerName))]))}`;
  const rate = (metric: string) => `sum by (node, name) (rate(${metric}{${sel}}[$__rate_interval]))`;
  const legend = '{{node}} {{name}}';
  return buildDashboard({
    uid: 'chatops-containers',
    title: 'ChatOps containers',
    description: `The ${instances.length} ChatOps app containers (cAdvisor metrics).`,
    tags: ['chatops', 'cadvisor'],
    datasource: props.datasource,
    rows: [
      {
        title: 'Instances',
        panels: [
          {
            kind: 'stat',
            title: 'Running instances',
            description: `Containers seen by cAdvisor in the last minute, out of ${instances.length}.`,
            queries: [{ expr: `count(time() - container_last_seen{${sel}} < 60) or vector(0)`, instant: true }],
            thresholds: { base: 'red', steps: [{ value: instances.length, color: 'green' }] },
          },
          {
            kind: 'state-timeline',
            title: 'Instance up',
            width: 18,
            queries: [{ expr: `time() - container_last_seen{${sel}} < bool 60`, legend }],
            valueText: UP_DOWN,
          },
        ],
      },
      {
        title: 'Resources',
        panels: [
          {
            kind: 'timeseries',
            title: 'CPU (cores)',
            unit: 'short',
            min: 0,
            queries: [{ expr: rate('container_cpu_usage_seconds_total'), legend }],
          },
          {
            kind: 'timeseries',
            title: 'Memory (working set)',
            unit: 'bytes',
            min: 0,
            queries: [{ expr: `sum by (node, name) (container_memory_working_set_bytes{${sel}})`, legend }],
          },
          {
            kind: 'timeseries',
            title: 'Network received',
            unit: 'Bps',
            min: 0,
            queries: [{ expr: rate('container_network_receive_bytes_total'), legend }],
          },
          {
            kind: 'timeseries',
            title: 'Network sent',
            unit: 'Bps',
            min: 0,
            queries: [{ expr: rate('container_network_transmit_bytes_total'), legend }],
          },
        ],
      },
    ],
  });
}

/** HAProxy traffic from its built-in Prometheus exporter: request rate, 5xx, backend and server state. */
export function haproxyDashboard(env: Environment, props: StackDashboardsProps): Dashboard {
  const job = `job=${promqlString(jobOf(env, 'haproxy'))}`;
  const responses = (extra = '') => `haproxy_backend_http_responses_total{${job}${extra}}`;
  return buildDashboard({
    uid: 'chatops-haproxy',
    title: 'HAProxy traffic',
    tags: ['chatops', 'haproxy'],
    datasource: props.datasource,
    rows: [
      {
        title: 'Traffic',
        panels: [
          {
            kind: 'timeseries',
            title: 'Request rate by frontend',
            unit: 'reqps',
            min: 0,
            queries: [
              { expr: `sum by (proxy) (rate(haproxy_frontend_http_requests_total{${job}}[$__rate_interval]))`, legend: '{{proxy}}' },
            ],
          },
          {
            kind: 'timeseries',
            title: 'Responses by status class',
            unit: 'reqps',
            min: 0,
            queries: [{ expr: `sum by (code) (rate(${responses()}[$__rate_interval]))`, legend: '{{code}}' }],
          },
          {
            kind: 'timeseries',
            title: '5xx rate by backend',
            unit: 'reqps',
            min: 0,
            width: 18,
            queries: [{ expr: `sum by (proxy) (rate(${responses(', code="5xx"')}[$__rate_interval]))`, legend: '{{proxy}}' }],
          },
          {
            kind: 'stat',
            title: '5xx ratio',
            unit: 'percentunit',
            height: 8,
            queries: [
              {
                expr: `sum(rate(${responses(', code="5xx"')}[$__rate_interval])) / sum(rate(${responses()}[$__rate_interval]))`,
                instant: true,
              },
            ],
            thresholds: {
              base: 'green',
              steps: [
                { value: 0.01, color: 'orange' },
                { value: 0.05, color: 'red' },
              ],
            },
          },
        ],
      },
      {
        title: 'Backends',
        panels: [
          {
            kind: 'state-timeline',
            title: 'Backend state',
            queries: [{ expr: `haproxy_backend_status{${job}, state="UP"}`, legend: '{{proxy}}' }],
            valueText: UP_DOWN,
          },
          {
            kind: 'timeseries',
            title: 'Active servers per backend',
            unit: 'short',
            min: 0,
            queries: [{ expr: `haproxy_backend_active_servers{${job}}`, legend: '{{proxy}}' }],
          },
          {
            kind: 'table',
            title: 'Servers not UP',
            queries: [{ expr: `haproxy_server_status{${job}, state="UP"} == 0`, instant: true, format: 'table' }],
            hideColumns: ['Time', 'Value', '__name__', 'job', 'state'],
          },
          {
            kind: 'timeseries',
            title: 'Backend response time (average)',
            unit: 's',
            min: 0,
            queries: [{ expr: `haproxy_backend_response_time_average_seconds{${job}}`, legend: '{{proxy}}' }],
          },
        ],
      },
    ],
  });
}

/** systemd units per node (systemd-exporter): the units each node's roles need, and any failed unit. */
export function serviceStatusDashboard(env: Environment, props: StackDashboardsProps): Dashboard {
  const unitsOf = props.unitsOf ?? unitsOn;
  const job = `job=${promqlString(jobOf(env, 'systemd-exporter'))}`;
  const nodeRows: RowProps[] = env.nodes.map((node) => {
    const units = unitsOf(env, node);
    if (units.length === 0) throw new Error(`no systemd units to watch on ${node.name}`);
    const sel = `${job}, node=${promqlString(node.name)}`;
    const panels: PanelProps[] = [
      {
        kind: 'state-timeline',
        title: `Units on ${node.name}`,
        description: `${units.length} units: ${units.join(', ')}`,
        width: 18,
        height: Math.max(4, units.length + 2),
        queries: [
          {
            expr: `max by (name) (systemd_unit_state{${sel}, name=~${promqlString(exactRegex([...new Set(units)]))}, state="active"})`,
            legend: '{{name}}',
          },
        ],
        valueText: { '1': { text: 'active', color: 'green' }, '0': { text: 'not active', color: 'red' } },
      },
      {
        kind: 'stat',
        title: 'Failed units',
        height: Math.max(4, units.length + 2),
        queries: [{ expr: `count(systemd_unit_state{${sel}, state="failed"} == 1) or vector(0)`, instant: true }],
        thresholds: { base: 'green', steps: [{ value: 1, color: 'red' }] },
      },
    ];
    return { title: `${node.name} (${node.roles.join(', ') || 'base services'})`, panels };
  });
  return buildDashboard({
    uid: 'chatops-services',
    title: 'Service status',
    description: 'systemd units of every node, from systemd-exporter.',
    tags: ['chatops', 'systemd'],
    datasource: props.datasource,
    rows: [
      {
        title: 'All nodes',
        panels: [
          {
            kind: 'table',
            title: 'Failed units',
            width: 24,
            height: 6,
            queries: [{ expr: `systemd_unit_state{${job}, state="failed"} == 1`, instant: true, format: 'table' }],
            hideColumns: ['Time', 'Value', '__name__', 'job', 'state'],
          },
        ],
      },
      ...nodeRows,
    ],
  });
}

/** Alerts Prometheus is firing now (the `ALERTS` series), and which fired over time. */
export function alertsDashboard(_env: Environment, props: StackDashboardsProps): Dashboard {
  return buildDashboard({
    uid: 'chatops-alerts',
    title: 'Firing alerts',
    tags: ['chatops', 'alerts'],
    datasource: props.datasource,
    rows: [
      {
        title: 'Now',
        panels: [
          {
            kind: 'stat',
            title: 'Firing',
            // The Watchdog fires all the time on purpose (it feeds the dead-man's switch): not a problem.
            queries: [{ expr: 'count(ALERTS{alertstate="firing", alertname!="Watchdog"}) or vector(0)', instant: true }],
            thresholds: { base: 'green', steps: [{ value: 1, color: 'red' }] },
          },
          {
            kind: 'stat',
            title: 'Pending',
            queries: [{ expr: 'count(ALERTS{alertstate="pending"}) or vector(0)', instant: true }],
            thresholds: { base: 'green', steps: [{ value: 1, color: 'orange' }] },
          },
          {
            kind: 'table',
            title: 'Firing alerts',
            queries: [{ expr: 'ALERTS{alertstate="firing"}', instant: true, format: 'table' }],
            hideColumns: ['Time', 'Value', '__name__', 'alertstate'],
          },
        ],
      },
      {
        title: 'History',
        panels: [
          {
            kind: 'timeseries',
            title: 'Firing alerts by name',
            width: 24,
            min: 0,
            unit: 'short',
            queries: [{ expr: 'sum by (alertname) (ALERTS{alertstate="firing"})', legend: '{{alertname}}' }],
          },
        ],
      },
      {
        title: 'Certificates and probes (blackbox exporter)',
        panels: [
          {
            kind: 'table',
            title: 'Days until each certificate expires',
            description:
              'Earliest expiry in the chain each probed endpoint serves. CertificateExpiresSoon warns under 21 days, is critical under 7.',
            queries: [{ expr: 'sort((probe_ssl_earliest_cert_expiry - time()) / 86400)', instant: true, format: 'table' }],
            unit: 'd',
            thresholds: {
              base: 'red',
              steps: [
                { value: 7, color: 'orange' },
                { value: 21, color: 'green' },
              ],
            },
            hideColumns: ['Time', '__name__', 'job', 'node'],
          },
          {
            kind: 'state-timeline',
            title: 'Public hosts through HAProxy',
            queries: [{ expr: 'probe_success{job="probe-public"}', legend: '{{instance}}' }],
            valueText: UP_DOWN,
          },
          {
            kind: 'state-timeline',
            title: 'Internal TLS endpoints',
            queries: [{ expr: 'probe_success{job="probe-internal"}', legend: '{{target_node}} {{service}} {{instance}}' }],
            valueText: UP_DOWN,
          },
        ],
      },
    ],
  });
}

/** The four dashboards of the stack, in file order. */
export function stackDashboards(env: Environment, props: StackDashboardsProps): Dashboard[] {
  return [
    chatopsContainersDashboard(env, props),
    haproxyDashboard(env, props),
    serviceStatusDashboard(env, props),
    alertsDashboard(env, props),
  ];
}
