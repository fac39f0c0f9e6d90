import type { Artifact, Diagnostic } from '@chatops/core';
import { METRICS_KINDS, type StackCheck, listenersOn, parseDocument } from '@chatops/environment';
import { type InstanceFact, type ListenFact, instanceFacts, listenFacts, resolveNode, splitHostPort } from './_facts.js';

type Doc = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asDoc = (v: unknown): Doc => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : {});

function yamlArtifacts(bundles: ReadonlyMap<string, readonly Artifact[]>, match: (a: Artifact) => boolean): { artifact: Artifact; data: unknown }[] {
  const out: { artifact: Artifact; data: unknown }[] = [];
  for (const bundle of bundles.values()) {
    for (const a of bundle) {
      if (a.secret || !/\.(ya?ml|json)$/.test(a.path) || !match(a)) continue;
      try {
        out.push({ artifact: a, data: parseDocument(a.content, a.path, a.path.endsWith('.json') ? '.json' : '.yml').data });
      } catch {
        // Not ours to validate: the owning package's checks report syntax errors.
      }
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

const EXPORTER_JOBS = new Map(METRICS_KINDS.filter((k) => ['node-exporter', 'systemd-exporter', 'cadvisor'].includes(k.service)).map((k) => [k.job, k.service]));

/** Every exporter unit is scraped where it listens (port, path, TLS, auth), and every exporter scrape target is a unit. */
export const scrapeTargetsMatchExporterUnits: StackCheck = {
  name: 'units: scrape targets match exporter units',
  check(ctx, bundles) {
    const targets = scrapeTargets(bundles);
    if (!targets) return []; // no Prometheus config rendered: nothing to tie to
    const facts = listenFacts(ctx.env, bundles);
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
      if (fact.address !== node.address) out.push({ file: fact.file, path: [], message: `${fact.unit} on ${node.name} listens on ${fact.address}, not on the node address ${node.address} that job ${t.jobName} scrapes` });
      if (t.path !== fact.path) out.push({ file: t.file, path: ['scrape_configs', t.jobName, 'metrics_path'], message: `job ${t.jobName} scrapes path ${t.path} but ${fact.unit} on ${node.name} serves metrics at ${fact.path}` });
      if (t.scheme !== 'https') out.push({ file: t.file, path: ['scrape_configs', t.jobName, 'scheme'], message: `job ${t.jobName} scrapes over ${t.scheme} but ${fact.unit} on ${node.name} serves TLS` });
      if (fact.basicAuthUsers.length > 0 && (t.basicAuthUser === undefined || !fact.basicAuthUsers.includes(t.basicAuthUser))) {
        out.push({ file: t.file, path: ['scrape_configs', t.jobName, 'basic_auth'], message: `job ${t.jobName} authenticates as ${t.basicAuthUser ?? '(nobody)'} but ${fact.unit} on ${node.name} accepts ${fact.basicAuthUsers.join(', ')}` });
      }
    }
    for (const f of facts) {
      if (!scraped.has(f)) out.push({ file: f.file, path: [], message: `${f.unit} on ${f.node.name} listens on ${f.address}:${f.port}${f.path} but no scrape job targets it` });
    }
    return out;
  },
};

interface BackendServer {
  readonly backend: string;
  readonly server: string;
  readonly host: string;
  readonly port: number;
  readonly ssl: boolean;
  readonly healthPaths: readonly string[];
  readonly file: string;
  readonly line: number;
}

/** `server` lines of haproxy.cfg backends, with the backend's HTTP check paths. */
function haproxyServers(bundles: ReadonlyMap<string, readonly Artifact[]>): BackendServer[] | undefined {
  const cfgs = [...bundles.values()].flat().filter((a) => a.path.endsWith('/haproxy.cfg'));
  if (cfgs.length === 0) return undefined;
  const out: BackendServer[] = [];
  for (const cfg of cfgs) {
    let backend: string | undefined;
    let pending: Omit<BackendServer, 'healthPaths'>[] = [];
    let health: string[] = [];
    const flush = () => {
      out.push(...pending.map((p) => ({ ...p, healthPaths: health })));
      pending = [];
      health = [];
    };
    cfg.content.split('\n').forEach((raw, i) => {
      const line = raw.replace(/#.*$/, '').trim();
      const words = line.split(/\s+/);
      if (/^(backend|listen|frontend|defaults|global|resolvers|userlist|peers|mailers|http-errors|cache|program)$/.test(words[0] ?? '') && !raw.startsWith(' ') && !raw.startsWith('\t')) {
        flush();
        backend = words[0] === 'backend' || words[0] === 'listen' ? words[1] : undefined;
        return;
      }
      if (!backend) return;
      if (words[0] === 'server' && words.length >= 3) {
        const hp = splitHostPort(words[2]!);
        if (hp) pending.push({ backend, server: words[1]!, host: hp.host, port: hp.port, ssl: words.includes('ssl'), file: cfg.path, line: i + 1 });
      } else if ((words[0] === 'option' && words[1] === 'httpchk') || words[0] === 'http-check') {
        health.push(...words.filter((w) => w.startsWith('/')));
      }
    });
    flush();
  }
  return out;
}

/** HAProxy's ChatOps servers are exactly the rendered app instances (TLS, same ports, health path checked). */
export const haproxyBackendsMatchAppUnits: StackCheck = {
  name: 'units: haproxy backends match chatops units',
  check(ctx, bundles) {
    const servers = haproxyServers(bundles);
    if (!servers) return [];
    const env = ctx.env;
    const instances = instanceFacts(env, bundles);
    const out: Diagnostic[] = [];
    const matched = new Set<InstanceFact>();
    for (const s of servers) {
      const node = resolveNode(env, s.host);
      if (!node || !node.roles.includes('chatops')) continue;
      // Other services of a ChatOps node (cAdvisor, exporters) are not app servers.
      const other = listenersOn(env, node).find((l) => l.service !== 'chatops' && l.port === s.port);
      if (other) continue;
      const inst = instances.find((f) => f.node.name === node.name && f.port === s.port);
      const where = { file: s.file, line: s.line, path: ['backend', s.backend, 'server', s.server] };
      if (!inst) {
        const ports = instances.filter((f) => f.node.name === node.name).map((f) => f.port);
        out.push({ ...where, message: `server ${s.server} targets ${node.name}:${s.port} but no chatops unit serves that port (chatops units on ${node.name} serve ${ports.join(', ') || 'nothing'})` });
        continue;
      }
      matched.add(inst);
      if (!s.ssl) out.push({ ...where, message: `server ${s.server} connects without ssl but ${inst.unit} on ${node.name} is served over TLS by chatops-tls` });
      if (!s.healthPaths.some((p) => p === env.chatops.healthPath || p.startsWith(`${env.chatops.healthPath}?`))) {
        out.push({ ...where, message: `backend ${s.backend} does not health-check ${env.chatops.healthPath} (checks ${s.healthPaths.join(', ') || 'nothing'})` });
      }
    }
    for (const inst of instances) {
      if (!matched.has(inst)) out.push({ file: inst.file, path: [], message: `${inst.unit} on ${inst.node.name} (port ${inst.port}) is in no HAProxy backend` });
    }
    return out;
  },
};

interface NameMatcher {
  readonly op: '=' | '=~' | '!=' | '!~';
  readonly value: string;
  readonly alert: string;
  readonly file: string;
}

function unquotePromString(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** `name` matchers of `container_last_seen` selectors in rendered alert rules. */
function containerMatchers(bundles: ReadonlyMap<string, readonly Artifact[]>): { matchers: NameMatcher[]; ruleFiles: number } {
  const files = yamlArtifacts(bundles, (a) => a.service === 'prometheus' || /rules?/.test(a.path)).filter(({ data }) => Array.isArray(asDoc(data).groups));
  const matchers: NameMatcher[] = [];
  for (const { artifact, data } of files) {
    for (const g of asArray(asDoc(data).groups).map(asDoc)) {
      for (const r of asArray(g.rules).map(asDoc)) {
        const expr = String(r.expr ?? '');
        const alert = String(r.alert ?? r.record ?? '');
        for (const sel of expr.matchAll(/container_last_seen\s*\{([^}]*)\}/g)) {
          for (const m of sel[1]!.matchAll(/\bname\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
            matchers.push({ op: m[1] as NameMatcher['op'], value: unquotePromString(m[2]!), alert, file: artifact.path });
          }
        }
      }
    }
  }
  return { matchers, ruleFiles: files.length };
}

function matches(m: NameMatcher, name: string): boolean {
  switch (m.op) {
    case '=':
      return name === m.value;
    case '!=':
      return name !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(name);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`).test(name);
  }
}

/** The instance-down alert watches exactly the containers the app units start. */
export const containerNamesMatchAlertRules: StackCheck = {
  name: 'units: container names match alert rules',
  check(ctx, bundles) {
    const { matchers, ruleFiles } = containerMatchers(bundles);
    if (ruleFiles === 0) return [];
    const instances = instanceFacts(ctx.env, bundles);
    const out: Diagnostic[] = [];
    const positive = matchers.filter((m) => m.op === '=' || m.op === '=~');
    if (positive.length === 0) {
      return [{ path: [], message: `no alert rule watches container_last_seen{name=...}: containers ${instances.map((i) => i.container).join(', ')} are unwatched` }];
    }
    for (const inst of instances) {
      if (!positive.some((m) => matches(m, inst.container))) {
        out.push({ file: inst.file, path: [], message: `container ${inst.container} (${inst.unit} on ${inst.node.name}) is watched by no alert rule (rules match name ${positive.map((m) => `${m.op}"${m.value}"`).join(', ')})` });
      }
    }
    const names = new Set(instances.map((i) => i.container));
    for (const m of positive) {
      if (m.op === '=' && !names.has(m.value)) out.push({ file: m.file, path: ['alert', m.alert], message: `alert ${m.alert} watches container ${m.value}, which no chatops unit starts` });
      if (m.op === '=~' && ![...names].some((n) => matches(m, n))) out.push({ file: m.file, path: ['alert', m.alert], message: `alert ${m.alert} matches name=~"${m.value}", which matches no container a chatops unit starts` });
    }
    return out;
  },
};

export const UNITS_CHECKS: readonly StackCheck[] = [scrapeTargetsMatchExporterUnits, haproxyBackendsMatchAppUnits, containerNamesMatchAlertRules];

