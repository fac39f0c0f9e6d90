import { type Environment, type ServiceName, servicesOn } from './environment.js';
import type { NodeSpec } from './schema.js';

/**
 * A metrics endpoint Prometheus scrapes. This is the one place where exporters' ports, paths and auth are
 * decided: the exporter units listen where these say and the scrape jobs are generated from them.
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

interface EndpointKind {
  readonly job: string;
  readonly service: ServiceName;
  readonly port: (env: Environment) => number;
  readonly path: string;
  readonly basicAuth: boolean;
}

/** Which services expose metrics, and how. Order is the scrape config's job order. */
export const METRICS_KINDS: readonly EndpointKind[] = [
  { job: 'prometheus', service: 'prometheus', port: (e) => e.ports.prometheus, path: '/metrics', basicAuth: true },
  { job: 'alertmanager', service: 'alertmanager', port: (e) => e.ports.alertmanager, path: '/metrics', basicAuth: true },
  { job: 'haproxy', service: 'haproxy', port: (e) => e.ports.haproxyMetrics, path: '/metrics', basicAuth: true },
  { job: 'node', service: 'node-exporter', port: (e) => e.ports.nodeExporter, path: '/metrics', basicAuth: true },
  { job: 'blackbox', service: 'blackbox-exporter', port: (e) => e.ports.blackboxExporter, path: '/metrics', basicAuth: true },
  { job: 'systemd', service: 'systemd-exporter', port: (e) => e.ports.systemdExporter, path: '/metrics', basicAuth: true },
  // cAdvisor has no TLS or bcrypt auth of its own: it listens on loopback behind a TLS terminator on this port.
  { job: 'cadvisor', service: 'cadvisor', port: (e) => e.ports.cadvisor, path: '/metrics', basicAuth: false },
];

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
  return METRICS_KINDS.flatMap((kind) =>
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
