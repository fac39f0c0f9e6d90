import type { Environment } from './environment.js';
import type { CertificateRequest } from './render-context.js';
import type { Role } from './roles.js';
import type { NodeSpec } from './schema.js';

/** A service's name: what it is registered as in the stack's catalogue (`grafana`, `node-exporter`, …). */
export type ServiceName = string;

/** A socket a service opens on a node (its service is filled in by `listenersOn`). */
export interface ListenerFact {
  readonly port: number;
  /** How the port-clash check names it. @default the service name */
  readonly label?: string;
  /**
   * What the socket speaks: TLS with a certificate from our CA (`internal`, probed by the blackbox exporter), the
   * public edge certificate (`public`), or plain text on loopback and the `:80` redirect (`none`). @default 'internal'
   */
  readonly tls?: 'internal' | 'public' | 'none';
}

/** A metrics endpoint Prometheus scrapes on every node running the service (one scrape job). */
export interface MetricsFact {
  /** Prometheus job name. */
  readonly job: string;
  readonly port: (env: Environment) => number;
  readonly path: string;
  /** Whether the endpoint requires the Prometheus service account's basic auth. */
  readonly basicAuth: boolean;
}

/** A service's public route through the edge (HAProxy on the load balancer): `<subdomain>.<domain>`. */
export interface PublicRoute {
  /** Sub-domain and edge backend name. */
  readonly subdomain: string;
  /** The bare domain serves it too (the ChatOps app). @default false */
  readonly bareDomain?: boolean;
  /** Whether the edge asks for our users' basic auth (every route but Grafana, which logs users in itself). */
  readonly auth: boolean;
  /** What the edge's health check requests on each server. */
  readonly healthPath: string;
  /** Statuses that mean up: behind its own basic auth a service answers 401 without credentials. */
  readonly expect: { readonly status: string } | { readonly rstatus: string };
  /** The servers behind the route, where the service listens with its certificate from our CA. */
  readonly servers: readonly { readonly name: string; readonly node: NodeSpec; readonly port: number }[];
  /** Drop the client's Authorization header (our users' credentials are none of the backend's business). @default false */
  readonly stripAuthorization?: boolean;
  /** `source` keeps a client on one server (sessions). @default 'roundrobin' */
  readonly balance?: 'roundrobin' | 'source';
  /** How long a response may take. @default the edge's 30s */
  readonly timeoutServer?: string;
}

/**
 * How deploy tells that the service is up after a restart: its own health endpoint over TLS, verified with our CA
 * and the node's internal name (the same path the edge checks, where it has a route). Without it deploy waits for
 * `systemctl is-active`.
 */
export interface HealthFact {
  readonly port: (env: Environment) => number;
  readonly path: string;
  /** HTTP statuses that mean up (behind its own basic auth a service answers 401 without credentials). */
  readonly ok: readonly number[];
  /**
   * The client whose leaf the check presents, for a service requiring a client certificate from our CA (mutual
   * TLS): the leaf `clientTlsFiles` writes on that node. @default none
   */
  readonly clientCertificate?: ServiceName;
}

/** An executable a service needs on its node (what its units and checkers call), and what installs it on Debian 12. */
export interface BinaryRequirement {
  /** A command on `PATH`, or an absolute path (a release binary outside Debian's packages). */
  readonly binary: string;
  readonly fix: string;
}

/** What deploy's preflight looks for on a node running the service. */
export interface ServiceRequirements {
  /** @default none */
  readonly binaries?: readonly BinaryRequirement[];
  /** The system user its daemon runs as: it must be able to read the service's `onNode` secrets. @default 'root' */
  readonly user?: string;
}

/**
 * Where a service writes its logs: Filebeat ships them from there, each event tagged with the service's name.
 * `firstLine` matches the first line of every message (the lines after it are joined to it).
 */
export type LogFact =
  /** The journal, through the service's first `units` entry. */
  | { readonly journal: true }
  /** Log files on its node. */
  | { readonly files: (env: Environment) => readonly string[]; readonly firstLine?: string }
  /** The json-file logs of these Docker containers on the node. */
  | { readonly containers: (env: Environment, node: NodeSpec) => readonly string[]; readonly firstLine?: string };

/** How Logstash parses a service's log lines (the lines of services without it pass through untouched). */
export interface LogParsing {
  /** Grok pattern matched against the event's `message`. */
  readonly grok: string;
  /** The field grok fills with the line's time and its Joda-Time format (UTC): it becomes `@timestamp`. */
  readonly date: {
    readonly field: string;
    readonly format: string /** Drop the field once parsed. @default false */;
    readonly removeField?: boolean;
  };
}

/**
 * What the stack knows about a service, declared as data by the package that renders it: where it runs, what it
 * listens on, its systemd units, its metrics endpoints, its certificates and what must be applied before it. The
 * environment's derivations (`servicesOn`, `listenersOn`, `unitsOn`, `metricsEndpoints`) read the catalogue of
 * these a stack registers.
 */
export interface ServiceFacts {
  /** The service's name in the catalogue (unique). */
  readonly service: ServiceName;
  /** Nodes with any of these roles run it; `'every-node'`: every node. */
  readonly runsOn: readonly Role[] | 'every-node';
  /** A further condition on placement (certbot runs only when Let's Encrypt issues the public certificate). @default always */
  runsIf?(env: Environment, node: NodeSpec): boolean;
  /**
   * Services to apply before this one (deploy order is a topological sort of these edges over the stack's
   * services; an edge to a service the stack does not render is ignored). @default []
   */
  readonly after?: readonly ServiceName[];
  /** Apply it after every service with a public `route` too (the edge: its backends are up before it). @default false */
  readonly afterRoutes?: boolean;
  /** The sockets it opens on a node (the port-clash check and the blackbox exporter's internal probes see them). @default none */
  listeners?(env: Environment, node: NodeSpec): readonly ListenerFact[];
  /**
   * Its long-running systemd units (Debian package names): what must be active where it runs (the "systemd unit
   * failed or inactive" alert watches them). A timer-driven service (certbot) has none. @default []
   */
  readonly units?: readonly string[];
  /** Units that vary with the node, listed before `units` (one `chatops@N.service` per app instance). @default none */
  nodeUnits?(env: Environment, node: NodeSpec): readonly string[];
  /** The metrics endpoints Prometheus scrapes on each node running it. @default none */
  readonly metrics?: readonly MetricsFact[];
  /** Its public route, when the edge serves it (the edge's backends, the public hosts and their probes derive from these). @default none */
  route?(env: Environment): PublicRoute;
  /** How deploy checks its `units` after a restart. @default `systemctl is-active` */
  readonly health?: HealthFact;
  /** The binaries and system user deploy's preflight looks for on its nodes. @default none, root */
  readonly requires?: ServiceRequirements;
  /**
   * The environment fields (dotted paths, a field and everything under it) whose secret references its daemon
   * reads: an `onNode` secret file among them must be readable by its `requires.user` on its nodes. @default none
   */
  readonly secrets?: readonly string[];
  /** Where it logs, for Filebeat on its nodes. @default not shipped */
  readonly logs?: LogFact;
  /** How Logstash parses its log lines. @default passed through */
  readonly logParsing?: LogParsing;
  /** Certificates this service needs on a node. */
  certificates?(env: Environment, node: NodeSpec): readonly CertificateRequest[];
}

/** The services a stack is made of, in registry order (which breaks ties in the apply order). */
export type Catalogue = readonly ServiceFacts[];
