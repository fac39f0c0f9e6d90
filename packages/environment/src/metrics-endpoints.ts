import { type Environment, catalogueOf, servicesOn } from './environment.js';
import type { NodeSpec } from './schema.js';
import type { MetricsFact, ServiceName } from './service-facts.js';

/**
 * A metrics endpoint Prometheus scrapes, from a service's `metrics` facts: the exporter units listen where these
 * say and the scrape jobs are generated from them.
 */
export interface MetricsEndpoint {
  /** Prometheus job name. */
  readonly job: string;
  readonly service: ServiceName;
  readonly node: NodeSpec;
  readonly port: number;
  readonly path: string;
  /** Every endpoint is served over TLS with a certificate from our CA. */
  readonly scheme: 'https';
  /** Whether the endpoint requires the Prometheus service account's basic auth. */
  readonly basicAuth: boolean;
}

/** One scrape job of the catalogue: a service's `metrics` fact. */
export interface MetricsKind extends MetricsFact {
  readonly service: ServiceName;
}

/** Which registered services expose metrics, and how (their `metrics` facts), in catalogue order: the scrape config's job order. */
export function metricsKinds(env: Environment): MetricsKind[] {
  return catalogueOf(env).flatMap((s) => (s.metrics ?? []).map((m) => ({ ...m, service: s.service })));
}

const computed = new WeakMap<Environment, readonly MetricsEndpoint[]>();

/**
 * Every metrics endpoint of the environment, grouped by job order then node order. Computed once per environment
 * object (each exporter's renderer asks for its own endpoint on every node: a fleet-sized scan each time).
 */
export function metricsEndpoints(env: Environment): MetricsEndpoint[] {
  let endpoints = computed.get(env);
  if (!endpoints) {
    endpoints = compute(env);
    computed.set(env, endpoints);
  }
  return [...endpoints];
}

function compute(env: Environment): MetricsEndpoint[] {
  return metricsKinds(env).flatMap((kind) =>
    env.nodes
      .filter((node) => servicesOn(env, node).includes(kind.service))
      .map((node) => ({
        job: kind.job,
        service: kind.service,
        node,
        port: kind.port(env),
        path: kind.path,
        scheme: 'https' as const,
        basicAuth: kind.basicAuth,
      })),
  );
}
