import { type Artifact, ConfigError, type Diagnostic, mergeArtifacts } from '@chatops/core';
import {
  type NativeCheck,
  type RenderContext,
  type ServiceName,
  type ServiceRenderer,
  type StackCheck,
  inEnvironmentTerms,
  locateInEnvironment,
  readFields,
  servicesOn,
  withCatalogue,
} from '@chatops/environment';
import { applyOrder } from './apply-order.js';
import { CHECKS, RENDERERS } from './registry.js';

/** Which services and cross-checks make up a stack. */
export interface StackOptions {
  /** The service renderers to run (each on the nodes where its service is placed). @default RENDERERS (the whole stack) */
  readonly services?: readonly ServiceRenderer[];
  /** Checks across the renderers' outputs. @default CHECKS */
  readonly checks?: readonly StackCheck[];
  /**
   * Render only these nodes (the result holds only their bundles); the stack checks, which look across every
   * node, are then the caller's to run or skip. @default every node
   */
  readonly nodes?: readonly string[];
}

export interface NodeCheck extends NativeCheck {
  readonly node: string;
}

export interface StackResult {
  /** Artifacts per node (sorted by path), nodes in environment order. */
  readonly bundles: ReadonlyMap<string, readonly Artifact[]>;
  /** Services placed on each node. */
  readonly services: ReadonlyMap<string, readonly ServiceName[]>;
  /** Native checks to run once the files exist at their paths. */
  readonly checks: readonly NodeCheck[];
  /** Apply order: `{ node, service }` steps, each service after those its renderer lists in `after`. */
  readonly order: readonly { readonly node: string; readonly service: ServiceName }[];
  /** The catalogue rendered (`options.services`). */
  readonly renderers: readonly ServiceRenderer[];
}

/**
 * Runs every given renderer on every node that runs its service, then the cross-renderer checks. Pure. Problems
 * are thrown as one ConfigError in environment terms: each at the environment path (file and line when the
 * environment was loaded from a file) of the field that caused it.
 */
export function renderStack(given: RenderContext, options: StackOptions = {}): StackResult {
  const renderers = options.services ?? RENDERERS;
  // Services are placed by the environment's catalogue (prepareRender/loadEnvironment attach the stack's
  // services), or by the renderers given when it has none; a partial render places services as the whole one does.
  const env = given.env.catalogue ? given.env : withCatalogue(given.env, renderers);
  const ctx: RenderContext = { ...given, env };
  const stackChecks = options.checks ?? CHECKS;
  const bundles = new Map<string, readonly Artifact[]>();
  const services = new Map<string, readonly ServiceName[]>();
  const checks: NodeCheck[] = [];
  const problems: Diagnostic[] = [];
  const seen = new Set<string>();
  const only = options.nodes ? new Set(options.nodes) : undefined;
  for (const node of env.nodes) {
    if (only && !only.has(node.name)) continue;
    const placed = servicesOn(env, node);
    services.set(node.name, placed);
    const artifacts: Artifact[] = [];
    for (const renderer of renderers.filter((r) => placed.includes(r.service))) {
      try {
        const out = renderer.render(node, ctx);
        artifacts.push(...out.artifacts);
        for (const check of out.checks ?? []) checks.push({ ...check, node: node.name });
      } catch (e) {
        // A problem found while rendering is reported against the environment field it came from.
        if (!(e instanceof ConfigError)) throw e;
        // A value refused in a generated document is traced back among the fields this renderer read (run again on a
        // recording view of the environment; used only when that run is refused the same way).
        const traced =
          e.document !== undefined && e.document !== env
            ? readFields(env, (view) => renderer.render(view.nodes[env.nodes.indexOf(node)]!, { ...ctx, env: view }))
            : undefined;
        const read = traced?.result instanceof ConfigError ? traced.read : undefined;
        for (const d of e.diagnostics) {
          const stated = inEnvironmentTerms(env, d, e.document, `${renderer.service} on ${node.name}`, read);
          // One problem of the environment found by several renderers or on several nodes (an unknown
          // prometheus.alertFor name: Prometheus and Alertmanager both build the rules) is reported once.
          const key = `${JSON.stringify(stated.path)}\n${d.message}`;
          if (seen.has(key)) continue;
          seen.add(key);
          problems.push(stated);
        }
      }
    }
    try {
      bundles.set(node.name, mergeArtifacts(artifacts));
    } catch (e) {
      problems.push({ path: ['nodes', env.nodes.indexOf(node)], message: (e as Error).message });
    }
  }
  if (problems.length === 0) for (const check of stackChecks) problems.push(...check.check(ctx, bundles));
  if (problems.length > 0) throw new ConfigError(locateInEnvironment(env, problems), env);
  // Every service of the catalogue has a place in the order (a topological sort of the `after` edges).
  const order = applyOrder(renderers).flatMap((service) =>
    env.nodes.filter((n) => services.get(n.name)?.includes(service)).map((n) => ({ node: n.name, service })),
  );
  return { bundles, services, checks, order, renderers };
}
