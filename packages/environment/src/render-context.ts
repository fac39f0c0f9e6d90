import type { Artifact, Diagnostic, SecretStore } from '@chatops/core';
import type { Environment } from './environment.js';
import type { ServiceFacts } from './service-facts.js';
import type { NodeSpec } from './schema.js';

/** A certificate a renderer needs; the PKI issues it (or reuses a valid one with the same names). */
export interface CertificateRequest {
  /** Stable id: `<node>/<service>`. */
  readonly id: string;
  readonly commonName: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** TLS server, client, or both. @default ['server'] */
  readonly usages?: readonly ('server' | 'client')[];
}

export interface IssuedCertificate {
  /** PEM of the leaf. */
  readonly cert: string;
  /** PKCS#8 PEM private key. */
  readonly key: string;
  /** PEM of the issuing chain (our CA), without the leaf. */
  readonly chain: string;
  readonly notAfter: Date;
}

/** The PKI state a render reads; renderers never generate keys themselves. */
export interface PkiMaterial {
  /** PEM of the internal CA every client trusts. */
  readonly caCert: string;
  /** A leaf issued for a request id; throws for an id nobody requested. */
  leaf(id: string): IssuedCertificate;
  /** The public edge certificate (self-signed in dev; a bootstrap until certbot replaces it with Let's Encrypt). */
  readonly publicCert: IssuedCertificate;
}

export interface RenderContext {
  readonly env: Environment;
  readonly secrets: SecretStore;
  readonly pki: PkiMaterial;
}

/** A check a daemon's own tool performs on files rendered under a scratch path prefix. */
export interface NativeCheck {
  readonly name: string;
  /** Executable name looked up on PATH, e.g. `haproxy`, `promtool`. */
  readonly command: string;
  readonly args: readonly string[];
}

/** What one service renders on one node. */
export interface ServiceOutput {
  readonly artifacts: readonly Artifact[];
  /** Native checks to run when the files are materialized (paths already under the node's prefix). */
  readonly checks?: readonly NativeCheck[];
}

/** One pluggable renderer and the facts of its service: the stack runs it on every node where its service is placed. */
export interface ServiceRenderer extends ServiceFacts {
  render(node: NodeSpec, ctx: RenderContext): ServiceOutput;
  /**
   * The `systemd-analyze security` exposure budget (0 locked down .. 10 exposed) of each unit this renderer
   * writes or overrides with a drop-in, by unit name (`chatops@.service` for a template); a test scores the
   * rendered units and fails above the budget, or for a rendered unit without one. @default {}
   */
  readonly securityBudgets?: Readonly<Record<string, SecurityBudget>>;
}

/** How exposed a unit may be, and why when it is over the usual budget. */
export interface SecurityBudget {
  /** Highest `systemd-analyze security` score allowed. */
  readonly max: number;
  /** Why the unit needs more than its kind's usual budget (or what keeps it from going lower). */
  readonly why?: string;
}

/** A check across renderers' outputs (e.g. Filebeat's output agrees with Logstash's beats input). */
export interface StackCheck {
  readonly name: string;
  check(ctx: RenderContext, bundles: ReadonlyMap<string, readonly Artifact[]>): readonly Diagnostic[];
}
