import type { AlertmanagerConfig, AlertmanagerConfigInput, Route } from './alertmanager-config.js';
import { validateAlertmanagerConfig } from './checks.js';
import {
  type LabelSet,
  type Matcher,
  compareMatchers,
  formatMatcherList,
  goQuote,
  matchesAll,
  parseMatcher,
  parseMatchers,
} from './matchers.js';
import { intervalContains } from './time-intervals.js';

/** Alertmanager's defaults for options no route sets. */
export const ROUTE_DEFAULTS = { groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' } as const;

/** A route of the tree with every inherited option resolved, as Alertmanager builds it. */
export interface CompiledRoute {
  /** Index path in the tree: `[]` is the root, `[1, 0]` the first child of the second child. */
  readonly index: readonly number[];
  /** Alertmanager's route key: `{}/{severity="critical"}`. */
  readonly key: string;
  readonly matchers: readonly Matcher[];
  readonly receiver: string;
  /** Labels to group by; `undefined` when grouping by all labels (`...`). */
  readonly groupBy: readonly string[] | undefined;
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
  readonly continue: boolean;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly routes: readonly CompiledRoute[];
}

/** Where one alert goes through one matching route. */
export interface RouteMatch {
  readonly receiver: string;
  /** The aggregation group's key, exactly as Alertmanager computes it: `{}/{severity="critical"}:{alertname="NodeDown"}`. */
  readonly groupKey: string;
  /** The labels of the group (the alert's values of `group_by`). */
  readonly groupLabels: LabelSet;
  readonly route: CompiledRoute;
  /**
   * Set when the route's time intervals silence its notifications at the simulated instant (only evaluated when
   * an instant is given): `mute_time_intervals: <name>` or `outside active_time_intervals`.
   */
  readonly mutedByTime?: string;
}

/** Options of a routing question. */
export interface RouteOptions {
  /** Evaluate the routes' mute and active time intervals at this instant. @default not evaluated */
  readonly at?: Date;
}

/** Why an alert is muted by inhibition. */
export interface Inhibition {
  /** Index of the rule in `inhibit_rules`. */
  readonly rule: number;
  /** The source alert that mutes it. */
  readonly source: LabelSet;
}

export interface SimulatedAlert {
  readonly labels: LabelSet;
  /** Every route the alert ends up in, in tree order (several with `continue: true`). */
  readonly routes: readonly RouteMatch[];
  /** Receiver names in route order, as `amtool config routes test` prints them (a receiver reached twice appears twice). */
  readonly receivers: readonly string[];
  /** Set when an inhibit rule mutes this alert given the other alerts of the batch. */
  readonly inhibitedBy?: Inhibition;
  /** Whether the alert is muted by inhibition. */
  readonly inhibited: boolean;
}

interface CompiledInhibitRule {
  readonly source: readonly Matcher[];
  readonly target: readonly Matcher[];
  readonly equal: readonly string[];
}

function routeMatchers(route: Route): Matcher[] {
  const out: Matcher[] = [];
  for (const [name, value] of Object.entries(route.match ?? {})) out.push({ name, type: '=', value });
  for (const [name, value] of Object.entries(route.match_re ?? {})) out.push(parseMatcher(`${name}=~${JSON.stringify(value)}`));
  for (const text of route.matchers ?? []) out.push(...parseMatchers(text));
  return out.sort(compareMatchers);
}

function compileRoute(route: Route, parent: CompiledRoute | undefined, index: number[]): CompiledRoute {
  const matchers = routeMatchers(route);
  const key = parent ? `${parent.key}/${formatMatcherList(matchers)}` : formatMatcherList(matchers);
  const groupBy =
    route.group_by === undefined ? (parent ? parent.groupBy : []) : route.group_by.includes('...') ? undefined : route.group_by;
  const self: Omit<CompiledRoute, 'routes'> = {
    index,
    key,
    matchers,
    receiver: route.receiver ?? parent?.receiver ?? '',
    groupBy,
    groupWait: route.group_wait ?? parent?.groupWait ?? ROUTE_DEFAULTS.groupWait,
    groupInterval: route.group_interval ?? parent?.groupInterval ?? ROUTE_DEFAULTS.groupInterval,
    repeatInterval: route.repeat_interval ?? parent?.repeatInterval ?? ROUTE_DEFAULTS.repeatInterval,
    continue: route.continue ?? false,
    muteTimeIntervals: route.mute_time_intervals ?? [],
    activeTimeIntervals: route.active_time_intervals ?? [],
  };
  const compiled = { ...self, routes: [] as CompiledRoute[] };
  compiled.routes = (route.routes ?? []).map((child, i) => compileRoute(child, compiled, [...index, i]));
  return compiled;
}

function matchRoute(route: CompiledRoute, labels: LabelSet): CompiledRoute[] | undefined {
  if (!matchesAll(route.matchers, labels)) return undefined;
  const all: CompiledRoute[] = [];
  for (const child of route.routes) {
    const matched = matchRoute(child, labels);
    if (matched) all.push(...matched);
    if (matched && !child.continue) break;
  }
  return all.length > 0 ? all : [route];
}

/** Go's `model.LabelSet.String()`: `{a="1", b="2"}`, sorted. */
export function formatLabelSet(labels: LabelSet): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${goQuote(v)}`)
    .sort()
    .join(', ')}}`;
}

function groupLabels(route: CompiledRoute, labels: LabelSet): LabelSet {
  if (route.groupBy === undefined) return { ...labels };
  const out: Record<string, string> = {};
  for (const name of route.groupBy) if (Object.hasOwn(labels, name)) out[name] = labels[name] as string;
  return out;
}

/**
 * An Alertmanager config compiled for routing questions: which receivers an alert reaches, in which aggregation
 * group, and whether inhibition mutes it. Answers agree with `amtool config routes test` and Alertmanager's
 * dispatcher and inhibitor; mute and active time intervals are evaluated when an instant is given.
 */
export class RouteSimulator {
  readonly config: AlertmanagerConfig;
  readonly root: CompiledRoute;
  readonly #inhibitRules: CompiledInhibitRule[];

  constructor(config: AlertmanagerConfigInput | AlertmanagerConfig) {
    this.config = validateAlertmanagerConfig(config);
    this.root = compileRoute(this.config.route, undefined, []);
    this.#inhibitRules = (this.config.inhibit_rules ?? []).map((r) => {
      const side = (matchers: string[] | undefined, eq: Record<string, string> | undefined, re: Record<string, string> | undefined) => [
        ...Object.entries(eq ?? {}).map(([name, value]): Matcher => ({ name, type: '=', value })),
        ...Object.entries(re ?? {}).map(([name, value]) => parseMatcher(`${name}=~${JSON.stringify(value)}`)),
        ...(matchers ?? []).flatMap(parseMatchers),
      ];
      return {
        source: side(r.source_matchers, r.source_match, r.source_match_re),
        target: side(r.target_matchers, r.target_match, r.target_match_re),
        equal: r.equal ?? [],
      };
    });
  }

  /** The routes one alert ends up in (no inhibition: that depends on the other alerts firing). */
  route(labels: LabelSet, options: RouteOptions = {}): RouteMatch[] {
    const matched = matchRoute(this.root, labels) ?? [];
    return matched.map((route) => {
      const group = groupLabels(route, labels);
      const mutedByTime = options.at ? this.#mutedByTime(route, options.at) : undefined;
      return {
        receiver: route.receiver,
        groupKey: `${route.key}:${formatLabelSet(group)}`,
        groupLabels: group,
        route,
        ...(mutedByTime ? { mutedByTime } : {}),
      };
    });
  }

  #mutedByTime(route: CompiledRoute, at: Date): string | undefined {
    const byName = new Map((this.config.time_intervals ?? []).map((t) => [t.name, t]));
    const contains = (name: string) => {
      const interval = byName.get(name);
      return interval ? intervalContains(interval, at) : false;
    };
    const mute = route.muteTimeIntervals.find(contains);
    if (mute) return `mute_time_intervals: ${mute}`;
    if (route.activeTimeIntervals.length > 0 && !route.activeTimeIntervals.some(contains)) return 'outside active_time_intervals';
    return undefined;
  }

  /** Receiver names for one alert in route order, exactly as `amtool config routes test` prints them. */
  receivers(labels: LabelSet): string[] {
    return this.route(labels).map((r) => r.receiver);
  }

  /** Whether `target` is muted while `firing` alerts fire (Alertmanager's `Inhibitor.Mutes`). */
  inhibition(target: LabelSet, firing: readonly LabelSet[]): Inhibition | undefined {
    return this.#mutes(target, this.#sources(firing));
  }

  /** For each inhibit rule, the firing alerts matching its source side. */
  #sources(firing: readonly LabelSet[]): LabelSet[][] {
    return this.#inhibitRules.map((rule) => firing.filter((a) => matchesAll(rule.source, a)));
  }

  #mutes(target: LabelSet, sources: readonly LabelSet[][]): Inhibition | undefined {
    for (const [i, rule] of this.#inhibitRules.entries()) {
      if (!matchesAll(rule.target, target)) continue;
      // A source that is itself a target of the same rule cannot mute a target that is also a source.
      const excludeTwoSided = matchesAll(rule.source, target);
      for (const source of sources[i] ?? []) {
        if (!rule.equal.every((n) => (source[n] ?? '') === (target[n] ?? ''))) continue;
        if (excludeTwoSided && matchesAll(rule.target, source)) continue;
        return { rule: i, source };
      }
    }
    return undefined;
  }

  /** Routes a batch of alerts firing together and applies inhibition between them. */
  simulate(alerts: readonly LabelSet[], options: RouteOptions = {}): SimulatedAlert[] {
    const sources = this.#sources(alerts);
    return alerts.map((labels) => {
      const routes = this.route(labels, options);
      const inhibitedBy = this.#mutes(labels, sources);
      return {
        labels,
        routes,
        receivers: routes.map((r) => r.receiver),
        inhibited: inhibitedBy !== undefined,
        ...(inhibitedBy ? { inhibitedBy } : {}),
      };
    });
  }

  /**
   * The notifications a batch produces: one per aggregation group (receiver + group key), listing the alerts in
   * it that are not inhibited. Groups whose alerts are all inhibited (or whose route is muted at `options.at`) send
   * nothing and are left out.
   */
  notifications(alerts: readonly LabelSet[], options: RouteOptions = {}): { receiver: string; groupKey: string; alerts: LabelSet[] }[] {
    const groups = new Map<string, { receiver: string; groupKey: string; alerts: LabelSet[] }>();
    for (const a of this.simulate(alerts, options)) {
      if (a.inhibited) continue;
      for (const r of a.routes) {
        if (r.mutedByTime) continue;
        const id = `${r.receiver}\u0000${r.groupKey}`;
        const g = groups.get(id) ?? { receiver: r.receiver, groupKey: r.groupKey, alerts: [] };
        g.alerts.push(a.labels);
        groups.set(id, g);
      }
    }
    return [...groups.values()];
  }

  /** Every compiled route, depth first. */
  allRoutes(): CompiledRoute[] {
    const out: CompiledRoute[] = [];
    const walk = (r: CompiledRoute) => {
      out.push(r);
      r.routes.forEach(walk);
    };
    walk(this.root);
    return out;
  }
}
