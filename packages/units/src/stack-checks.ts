import type { Artifact, Diagnostic } from '@chatops/core';
import {
  type Environment,
  type RenderContext,
  type StackCheck,
  listenersOn,
  metricsKinds,
  nodePath,
  nodeWithRole,
  parseDocument,
} from '@chatops/environment';
import { HAPROXY_PATHS, type HaproxyConfig, buildEdgeConfig, validateHaproxyConfig } from '@chatops/haproxy-config';
import { labelMatches, parsePromql } from '@chatops/prometheus-common';
import { type InstanceFact, type ListenFact, instanceFacts, listenFacts, resolveNode, splitHostPort } from './_facts.js';

type Doc = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asDoc = (v: unknown): Doc => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : {});

/** Parsed artifacts, shared by the checks of one render (the same artifact objects): each file is parsed once. */
const parsed = new WeakMap<Artifact, { data: unknown } | undefined>();

function parseArtifact(a: Artifact): { data: unknown } | undefined {
  if (parsed.has(a)) return parsed.get(a);
  let result: { data: unknown } | undefined;
  try {
    result = { data: parseDocument(a.content, a.path, a.path.endsWith('.json') ? '.json' : '.yml').data };
  } catch {
    // Not ours to validate: the owning package's checks report syntax errors.
  }
  parsed.set(a, result);
  return result;
}

function yamlArtifacts(
  bundles: ReadonlyMap<string, readonly Artifact[]>,
  match: (a: Artifact) => boolean,
): { artifact: Artifact; data: unknown }[] {
  const out: { artifact: Artifact; data: unknown }[] = [];
  for (const bundle of bundles.values()) {
    for (const a of bundle) {
      if (a.secret || !/\.(ya?ml|json)$/.test(a.path) || !match(a)) continue;
      const doc = parseArtifact(a);
      if (doc) out.push({ artifact: a, data: doc.data });
    }
  }
  return out;
}

interface ScrapeTarget {
  /** The job kind (`node`, `systemd`, `cadvisor`): the `job` label, else the job name up to a `/`. */
  readonly job: string;
  readonly jobName: string;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly scheme: string;
  readonly basicAuthUser: string | undefined;
  readonly file: string;
}

/** Scrape targets of the exporter jobs, from the rendered prometheus.yml (static_configs and file_sd files). */
function scrapeTargets(bundles: ReadonlyMap<string, readonly Artifact[]>): ScrapeTarget[] | undefined {
  const configs = yamlArtifacts(bundles, (a) => /\/prometheus\.ya?ml$/.test(a.path));
  if (configs.length === 0) return undefined;
  const all = [...bundles.values()].flat();
  const out: ScrapeTarget[] = [];
  for (const { artifact, data } of configs) {
    for (const sc of asArray(asDoc(data).scrape_configs).map(asDoc)) {
      const job = String(sc.job_name ?? '');
      const groups = [...asArray(sc.static_configs)];
      for (const fsd of asArray(sc.file_sd_configs).map(asDoc)) {
        for (const f of asArray(fsd.files)) {
          const a = all.find((x) => x.path === f);
          if (!a) continue;
          try {
            groups.push(...asArray(parseDocument(a.content, a.path, a.path.endsWith('.json') ? '.json' : '.yml').data));
          } catch {
            // reported by the prometheus package
          }
        }
      }
      for (const g of groups.map(asDoc)) {
        // Jobs may be split per node (`node/lb-1`) with the kind in a `job` target label.
        const label = asDoc(g.labels).job;
        const kind = typeof label === 'string' ? label : job.split('/')[0]!;
        for (const t of asArray(g.targets)) {
          const hp = splitHostPort(String(t));
          if (!hp) continue;
          out.push({
            job: kind,
            jobName: job,
            host: hp.host,
            port: hp.port,
            path: String(sc.metrics_path ?? '/metrics'),
            scheme: String(sc.scheme ?? 'http'),
            basicAuthUser: asDoc(sc.basic_auth).username === undefined ? undefined : String(asDoc(sc.basic_auth).username),
            file: artifact.path,
          });
        }
      }
    }
  }
  return out;
}

/** The scrape jobs of the exporters this package renders units for, by job name. */
function exporterJobs(env: Environment): Map<string, string> {
  return new Map(
    metricsKinds(env)
      .filter((k) => ['node-exporter', 'systemd-exporter', 'cadvisor'].includes(k.service))
      .map((k) => [k.job, k.service]),
  );
}

/** Every exporter unit is scraped where it listens (port, path, TLS, auth), and every exporter scrape target is a unit. */
export const scrapeTargetsMatchExporterUnits: StackCheck = {
  name: 'units: scrape targets match exporter units',
  check(ctx, bundles) {
    const targets = scrapeTargets(bundles);
    if (!targets) return [{ path: [], message: 'no prometheus.yml is rendered: nothing scrapes the exporter units' }];
    const EXPORTER_JOBS = exporterJobs(ctx.env);
    const facts = listenFacts(ctx.env, bundles);
    if (facts.length === 0)
      return [
        {
          path: [],
          message:
            'no exporter unit is rendered (no exporter arguments or cadvisor-tls config found): nothing to match scrape targets against',
        },
      ];
    if (!targets.some((t) => EXPORTER_JOBS.has(t.job))) {
      return [
        {
          path: [],
          message: `no scrape job of prometheus.yml targets an exporter (jobs ${[...EXPORTER_JOBS.keys()].join(', ')}): exporters ${facts.map((f) => `${f.unit}@${f.node.name}`).join(', ')} are unscraped`,
        },
      ];
    }
    const out: Diagnostic[] = [];
    const key = (service: string, node: string, port: number) => `${service}@${node}:${port}`;
    const byKey = new Map(facts.map((f) => [key(f.service, f.node.name, f.port), f]));
    const scraped = new Set<ListenFact>();
    for (const t of targets) {
      const service = EXPORTER_JOBS.get(t.job);
      if (!service) continue;
      const node = resolveNode(ctx.env, t.host);
      const fact = node ? byKey.get(key(service, node.name, t.port)) : undefined;
      if (!node || !fact) {
        const listening = facts.filter((f) => f.service === service && f.node.name === node?.name).map((f) => `${f.address}:${f.port}`);
        out.push({
          file: t.file,
          path: ['scrape_configs', t.jobName],
          message: `job ${t.jobName} scrapes ${t.host}:${t.port} but no ${service} unit listens there${listening.length ? ` (it listens on ${listening.join(', ')})` : ''}`,
        });
        continue;
      }
      scraped.add(fact);
      if (fact.address !== node.address)
        out.push({
          file: fact.file,
          path: [],
          message: `${fact.unit} on ${node.name} listens on ${fact.address}, not on the node address ${node.address} that job ${t.jobName} scrapes`,
        });
      if (t.path !== fact.path)
        out.push({
          file: t.file,
          path: ['scrape_configs', t.jobName, 'metrics_path'],
          message: `job ${t.jobName} scrapes path ${t.path} but ${fact.unit} on ${node.name} serves metrics at ${fact.path}`,
        });
      if (t.scheme !== 'https')
        out.push({
          file: t.file,
          path: ['scrape_configs', t.jobName, 'scheme'],
          message: `job ${t.jobName} scrapes over ${t.scheme} but ${fact.unit} on ${node.name} serves TLS`,
        });
      if (fact.basicAuthUsers.length > 0 && (t.basicAuthUser === undefined || !fact.basicAuthUsers.includes(t.basicAuthUser))) {
        out.push({
          file: t.file,
          path: ['scrape_configs', t.jobName, 'basic_auth'],
          message: `job ${t.jobName} authenticates as ${t.basicAuthUser ?? '(nobody)'} but ${fact.unit} on ${node.name} accepts ${fact.basicAuthUsers.join(', ')}`,
        });
      }
    }
    for (const f of facts) {
      if (!scraped.has(f))
        out.push({
          file: f.file,
          path: [],
          message: `${f.unit} on ${f.node.name} listens on ${f.address}:${f.port}${f.path} but no scrape job targets it`,
        });
    }
    return out;
  },
};

interface BackendServer {
  readonly backend: string;
  readonly server: string;
  readonly host: string;
  readonly port: number | undefined;
  readonly ssl: boolean;
  readonly healthPath: string | undefined;
}

/** The load balancer's edge as the HAProxy renderer builds it (the typed model, before printing). */
function renderedEdge(ctx: RenderContext): HaproxyConfig {
  const lb = nodeWithRole(ctx.env, 'loadbalancer');
  return validateHaproxyConfig(buildEdgeConfig(ctx.env, lb));
}

/** The servers of every backend and listen section of a typed HAProxy model, with the section's HTTP check path. */
function edgeServers(config: HaproxyConfig): BackendServer[] {
  return [...config.backends, ...config.listens].flatMap((b) =>
    b.servers.map((s) => ({
      backend: b.name ?? '',
      server: s.name,
      host: s.address,
      port: s.port,
      ssl: s.ssl !== undefined,
      healthPath: b.httpCheck?.uri,
    })),
  );
}

export interface HaproxyBackendsCheckOptions {
  /** The HAProxy model to check. @default the model the HAProxy renderer builds for the load balancer */
  readonly edge?: (ctx: RenderContext) => HaproxyConfig;
}

/**
 * HAProxy's ChatOps servers are exactly the rendered app instances (TLS, same ports, health path checked).
 * Reads the edge's typed model and the instances' rendered env files and chatops-tls config; fails when either
 * side is empty, since then nothing would be compared.
 */
export function haproxyBackendsCheck(options: HaproxyBackendsCheckOptions = {}): StackCheck {
  return {
    name: 'units: haproxy backends match chatops units',
    check(ctx, bundles) {
      return haproxyAgainstInstances(ctx, (options.edge ?? renderedEdge)(ctx), bundles);
    },
  };
}

function haproxyAgainstInstances(ctx: RenderContext, edge: HaproxyConfig, bundles: ReadonlyMap<string, readonly Artifact[]>): Diagnostic[] {
  const env = ctx.env;
  const instances = instanceFacts(env, bundles);
  const file = nodePath(env, nodeWithRole(env, 'loadbalancer'), HAPROXY_PATHS.config);
  const appServers = edgeServers(edge).filter((s) => {
    const node = resolveNode(env, s.host);
    // Other services of a ChatOps node (cAdvisor, exporters) are not app servers.
    return node?.roles.includes('chatops') && !listenersOn(env, node).some((l) => l.service !== 'chatops' && l.port === s.port);
  });
  if (instances.length === 0)
    return [
      {
        file,
        path: [],
        message: 'no chatops instance is rendered (no instance env file found): nothing to match HAProxy backends against',
      },
    ];
  if (appServers.length === 0) {
    return [
      {
        file,
        path: ['backend'],
        message: `no HAProxy server targets a chatops node: instances ${instances.map((i) => `${i.node.name}:${i.port}`).join(', ')} are unreachable`,
      },
    ];
  }
  const out: Diagnostic[] = [];
  const matched = new Set<InstanceFact>();
  for (const s of appServers) {
    const node = resolveNode(env, s.host)!;
    const inst = instances.find((f) => f.node.name === node.name && f.port === s.port);
    const where = { file, path: ['backend', s.backend, 'server', s.server] };
    if (!inst) {
      const ports = instances.filter((f) => f.node.name === node.name).map((f) => f.port);
      out.push({
        ...where,
        message: `server ${s.server} targets ${node.name}:${s.port ?? '(client port)'} but no chatops unit serves that port (chatops units on ${node.name} serve ${ports.join(', ') || 'nothing'})`,
      });
      continue;
    }
    matched.add(inst);
    if (!s.ssl)
      out.push({
        ...where,
        message: `server ${s.server} connects without ssl but ${inst.unit} on ${node.name} is served over TLS by chatops-tls`,
      });
    const health = s.healthPath;
    if (health === undefined || !(health === env.chatops.healthPath || health.startsWith(`${env.chatops.healthPath}?`))) {
      out.push({
        ...where,
        message: `backend ${s.backend} does not health-check ${env.chatops.healthPath} (checks ${health ?? 'nothing'})`,
      });
    }
  }
  for (const inst of instances) {
    if (!matched.has(inst))
      out.push({ file: inst.file, path: [], message: `${inst.unit} on ${inst.node.name} (port ${inst.port}) is in no HAProxy backend` });
  }
  return out;
}

/** The check registered in the stack. */
export const haproxyBackendsMatchAppUnits: StackCheck = haproxyBackendsCheck();

interface NameMatcher {
  readonly op: '=' | '=~' | '!=' | '!~';
  readonly value: string;
  readonly alert: string;
  readonly file: string;
}

/** `name` matchers of `container_last_seen` selectors in rendered alert rules, read with the PromQL parser. */
function containerMatchers(bundles: ReadonlyMap<string, readonly Artifact[]>): { matchers: NameMatcher[]; ruleFiles: number } {
  const files = yamlArtifacts(bundles, (a) => (a.service === 'prometheus' || /rules?/.test(a.path)) && a.content.includes('groups')).filter(
    ({ data }) => Array.isArray(asDoc(data).groups),
  );
  const matchers: NameMatcher[] = [];
  for (const { artifact, data } of files) {
    for (const g of asArray(asDoc(data).groups).map(asDoc)) {
      for (const r of asArray(g.rules).map(asDoc)) {
        if (typeof r.expr !== 'string') continue;
        const alert = String(r.alert ?? r.record ?? '');
        for (const sel of parsePromql(r.expr).selectors) {
          if (sel.metric !== 'container_last_seen') continue;
          for (const m of sel.matchers) if (m.name === 'name') matchers.push({ op: m.op, value: m.value, alert, file: artifact.path });
        }
      }
    }
  }
  return { matchers, ruleFiles: files.length };
}

function matches(m: NameMatcher, name: string): boolean {
  return labelMatches(m.op, m.value, name);
}

/** The instance-down alert watches exactly the containers the app units start. */
export const containerNamesMatchAlertRules: StackCheck = {
  name: 'units: container names match alert rules',
  check(ctx, bundles) {
    const { matchers, ruleFiles } = containerMatchers(bundles);
    if (ruleFiles === 0) return [{ path: [], message: 'no Prometheus rule file is rendered: nothing watches the chatops containers' }];
    const instances = instanceFacts(ctx.env, bundles);
    if (instances.length === 0)
      return [{ path: [], message: 'no chatops instance is rendered (no instance env file found): nothing to match alert rules against' }];
    const out: Diagnostic[] = [];
    const positive = matchers.filter((m) => m.op === '=' || m.op === '=~');
    if (positive.length === 0) {
      return [
        {
          path: [],
          message: `no alert rule watches container_last_seen{name=...}: containers ${instances.map((i) => i.container).join(', ')} are unwatched`,
        },
      ];
    }
    for (const inst of instances) {
      if (!positive.some((m) => matches(m, inst.container))) {
        out.push({
          file: inst.file,
          path: [],
          message: `container ${inst.container} (${inst.unit} on ${inst.node.name}) is watched by no alert rule (rules match name ${positive.map((m) => `${m.op}"${m.value}"`).join(', ')})`,
        });
      }
    }
    const names = new Set(instances.map((i) => i.container));
    for (const m of positive) {
      if (m.op === '=' && !names.has(m.value))
        out.push({
          file: m.file,
          path: ['alert', m.alert],
          message: `alert ${m.alert} watches container ${m.value}, which no chatops unit starts`,
        });
      if (m.op === '=~' && ![...names].some((n) => matches(m, n)))
        out.push({
          file: m.file,
          path: ['alert', m.alert],
          message: `alert ${m.alert} matches name=~"${m.value}", which matches no container a chatops unit starts`,
        });
    }
    return out;
  },
};

export const UNITS_CHECKS: readonly StackCheck[] = [
  scrapeTargetsMatchExporterUnits,
  haproxyBackendsMatchAppUnits,
  containerNamesMatchAlertRules,
];
