import {
  type Environment,
  metricsKinds,
  PROBE_JOBS,
  serviceUnits,
  type ServiceName,
  chatopsInstances,
  nodesWithRole,
} from '@chatops/environment';
import { exactRegex } from '@chatops/prometheus-common';
import { haproxyServers } from './haproxy-servers.js';
import type { RuleFile } from './rule-file.js';

/**
 * While the wider alert fires, the narrower ones that the same fault raises say nothing new: Alertmanager
 * mutes them (an `inhibit_rules` entry). Declared here, next to the rules, and kept only for the alerts a rule
 * file really has.
 */
export interface AlertInhibition {
  /** The wider alert, its severity when a rule name exists at several severities, and more label matchers. */
  readonly source: { readonly alertname: string; readonly severity?: string; readonly matchers?: readonly string[] };
  /** The narrower alerts: these names, or every alert but these names; and more label matchers. */
  readonly target:
    | { readonly alertnames: readonly string[]; readonly severity?: string; readonly matchers?: readonly string[] }
    | { readonly except: readonly string[]; readonly matchers?: readonly string[] };
  /** Labels both alerts must share for the mute to apply (the same node, the same backend...). */
  readonly equal: readonly string[];
}

/** How the default alerts nest: which wider alert covers which narrower ones, and on which labels. */
const NESTING: readonly {
  readonly wider: string;
  readonly widerMatchers?: readonly string[];
  readonly narrower: readonly string[] | 'all';
  readonly equal: readonly string[];
}[] = [
  // A node that answers no scrape explains everything else about it (its targets, containers, units, probes,
  // and the HAProxy servers on it, whose alerts carry the server's node).
  { wider: 'NodeDown', narrower: 'all', equal: ['node'] },
  // One target that cannot be scraped explains the alerts computed from its metrics on that node.
  { wider: 'TargetDown', narrower: 'all', equal: ['node', 'job'] },
  // HAProxy that cannot be scraped is HAProxy hung or gone: its public hosts failing their probes say nothing new.
  { wider: 'TargetDown', widerMatchers: ['job="haproxy"'], narrower: ['EndpointProbeFailed'], equal: ['node'] },
  // A backend with no server up explains each of its DOWN servers (same HAProxy) and its public host failing its
  // probe (which carries the load balancer's node, not HAProxy's metrics instance).
  { wider: 'HaproxyBackendDown', narrower: ['HaproxyBackendServerDown'], equal: ['instance', 'proxy'] },
  { wider: 'HaproxyBackendDown', narrower: ['EndpointProbeFailed'], equal: ['proxy'] },
];

/** The `'all'` entries in nesting order: each mutes every alert but itself and the ones before it. */
const NEVER_MUTED_BY_ALL = ['NodeDown', 'TargetDown'];

const SEVERITY_ORDER = ['critical', 'warning', 'info'] as const;

/** Scrape jobs whose alerts a service's units explain when they are down (the probes HAProxy or the exporter answer). */
function jobsOf(env: Environment, service: ServiceName): string[] {
  const jobs = metricsKinds(env)
    .filter((k) => k.service === service)
    .map((k) => k.job);
  if (service === 'haproxy') jobs.push(PROBE_JOBS.public);
  if (service === 'blackbox-exporter') jobs.push(PROBE_JOBS.public, PROBE_JOBS.internal);
  return jobs;
}

function anyOf(label: string, values: readonly string[]): string {
  return values.length === 1 ? `${label}=${JSON.stringify(values[0])}` : `${label}=~${JSON.stringify(exactRegex(values))}`;
}

/**
 * A failed or crash-looping systemd unit explains, on its node: the alerts of its service's scrape jobs (`TargetDown`, the
 * containers cAdvisor no longer reports, HAProxy's public hosts failing their probes), its HAProxy servers
 * going DOWN, and for a ChatOps instance unit its container and its server; on any node, its whole backend being
 * down and its public host failing its probe (`wholeServiceInhibitions`). The systemd exporter's own unit is
 * left out (its failure takes `SystemdUnitDown` with it).
 */
function unitInhibitions(env: Environment, present: ReadonlySet<string>): AlertInhibition[] {
  return UNIT_ALERTS.filter((a) => present.has(a)).flatMap((a) => unitInhibitionsOf(a, env, present));
}

/** The alerts about a unit: failed or inactive, or restarting over and over. */
const UNIT_ALERTS = ['SystemdUnitDown', 'SystemdUnitCrashLooping'] as const;

function unitInhibitionsOf(alertname: (typeof UNIT_ALERTS)[number], env: Environment, present: ReadonlySet<string>): AlertInhibition[] {
  const out: AlertInhibition[] = [];
  const source = (units: readonly string[]) => ({ alertname, severity: 'critical', matchers: [anyOf('name', units)] });
  const proxies = new Set(haproxyServers(env).map((s) => s.proxy));
  for (const [service, units] of serviceUnits(env)) {
    if (units.length === 0 || service === 'systemd-exporter') continue;
    const jobs = jobsOf(env, service);
    if (jobs.length > 0)
      out.push({
        source: source(units),
        target: { except: ['NodeDown', ...UNIT_ALERTS], matchers: [anyOf('job', jobs)] },
        equal: ['node'],
      });
    if (proxies.has(service) && present.has('HaproxyBackendServerDown')) {
      out.push({
        source: source(units),
        target: { alertnames: ['HaproxyBackendServerDown'], matchers: [anyOf('proxy', [service])] },
        equal: ['node'],
      });
    }
    if (proxies.has(service)) out.push(...wholeServiceInhibitions(source(units), service, present));
  }
  const nodes = nodesWithRole(env, 'chatops');
  const first = nodes[0];
  for (const i of first ? chatopsInstances(env, first) : []) {
    if (present.has('ChatOpsInstanceDown')) {
      out.push({
        source: source([i.unit]),
        target: { alertnames: ['ChatOpsInstanceDown'], matchers: [anyOf('name', [i.containerName])] },
        equal: ['node'],
      });
    }
    if (present.has('HaproxyBackendServerDown')) {
      out.push({
        source: source([i.unit]),
        target: { alertnames: ['HaproxyBackendServerDown'], matchers: ['proxy="chatops"', `server=~".+-${i.index}"`] },
        equal: ['node'],
      });
    }
  }
  if (first && proxies.has('chatops')) {
    const instanceUnits = chatopsInstances(env, first).map((i) => i.unit);
    if (instanceUnits.length > 0) out.push(...wholeServiceInhibitions(source(instanceUnits), 'chatops', present));
  }
  return out;
}

/**
 * A routed service whose units fail on every node it runs on (both Grafana nodes, the one Kibana node) also
 * takes its whole HAProxy backend down, and its public host fails its probe: both alerts carry the load
 * balancer's node, not the failed units', so they are muted by the service's unit alerts on any node (no
 * `equal`). Otherwise one outage would page twice (the unit alerts group together by `alertname`, the backend
 * alert is another group). The cost: while a unit of the service is failed, a backend outage it does not
 * explain pages only through the unit alert; the servers' own alerts are muted by the (itself muted) backend
 * alert until the unit is fixed, when they surface.
 */
function wholeServiceInhibitions(source: AlertInhibition['source'], proxy: string, present: ReadonlySet<string>): AlertInhibition[] {
  const alertnames = ['HaproxyBackendDown', 'EndpointProbeFailed'].filter((a) => present.has(a));
  return alertnames.length > 0 ? [{ source, target: { alertnames, matchers: [anyOf('proxy', [proxy])] }, equal: [] }] : [];
}

/**
 * The inhibitions of a rule file, derived from its alerts:
 * - the nesting above, for the alerts present (a `narrower: 'all'` entry mutes every other alert but the wider
 *   ones, so a node that is down never hides that a target elsewhere is down);
 * - with the environment, what a failed systemd unit explains on its node (`unitInhibitions`);
 * - for an alert defined at several severities (`CertificateExpiresSoon` warning and critical), the more severe
 *   mutes the less severe one for the same `node` and `instance`.
 *
 * Alertmanager mutes only with a source alert that is already firing: the rules' `for` durations make the wider
 * alert fire first (`alertDelays`).
 */
export function alertInhibitions(rules: RuleFile, env?: Environment): AlertInhibition[] {
  const alerts = rules.groups
    .flatMap((g) => g.rules)
    .flatMap((r) => ('alert' in r && r.alert ? [{ alert: r.alert, severity: r.labels?.severity }] : []));
  const names = new Set(alerts.map((a) => a.alert));
  const out: AlertInhibition[] = [];
  for (const n of NESTING) {
    if (!names.has(n.wider)) continue;
    const source = { alertname: n.wider, severity: 'critical', ...(n.widerMatchers ? { matchers: n.widerMatchers } : {}) };
    if (n.narrower === 'all') {
      const except = NEVER_MUTED_BY_ALL.slice(0, NEVER_MUTED_BY_ALL.indexOf(n.wider) + 1);
      out.push({ source, target: { except }, equal: n.equal });
      continue;
    }
    const present = n.narrower.filter((a) => names.has(a));
    if (present.length > 0) out.push({ source, target: { alertnames: present }, equal: n.equal });
  }
  if (env) out.push(...unitInhibitions(env, names));
  for (const name of names) {
    const severities = SEVERITY_ORDER.filter((s) => alerts.some((a) => a.alert === name && a.severity === s));
    for (let i = 0; i + 1 < severities.length; i++) {
      out.push({
        source: { alertname: name, severity: severities[i] },
        target: { alertnames: [name], severity: severities[i + 1] },
        equal: ['node', 'instance'],
      });
    }
  }
  return out;
}
