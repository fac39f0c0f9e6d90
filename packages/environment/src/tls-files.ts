import { type Artifact, artifact } from '@chatops/core';
import { type Environment, nodeFqdn, nodePath } from './environment.js';
import type { ServiceName } from './service-facts.js';
import type { CertificateRequest, RenderContext } from './render-context.js';
import type { NodeSpec } from './schema.js';

/** Directory on every node holding our CA and each service's leaf. */
export const TLS_DIR = '/etc/chatops/tls';

export function certificateId(node: NodeSpec, service: ServiceName): string {
  return `${node.name}/${service}`;
}

export interface ServiceCertificateOptions {
  /** Also valid for `localhost` / `127.0.0.1`, for clients on the same node. @default false */
  readonly loopback?: boolean;
  /** Extra DNS names (e.g. a public host name). */
  readonly extraDnsNames?: readonly string[];
  /** @default ['server'] */
  readonly usages?: readonly ('server' | 'client')[];
}

/**
 * The certificate a service on a node presents: valid for the node's private FQDN, its short name and its
 * address (the names clients, HAProxy `sni`/`verifyhost` and Prometheus targets use).
 */
export function serviceCertificate(
  env: Environment,
  node: NodeSpec,
  service: ServiceName,
  options: ServiceCertificateOptions = {},
): CertificateRequest {
  const fqdn = nodeFqdn(env, node);
  const dnsNames = [fqdn, node.name, ...(options.extraDnsNames ?? [])];
  const ipAddresses = [node.address];
  if (options.loopback) {
    dnsNames.push('localhost');
    ipAddresses.push('127.0.0.1');
  }
  return {
    id: certificateId(node, service),
    commonName: fqdn,
    dnsNames: [...new Set(dnsNames)],
    ipAddresses: [...new Set(ipAddresses)],
    usages: options.usages ?? ['server'],
  };
}

/** Id of the client leaf `client` presents on `node`: `<node>/<client>-client`. */
export function clientCertificateId(node: NodeSpec, client: ServiceName): string {
  return `${node.name}/${client}-client`;
}

/**
 * The leaf a client on a node presents to servers that require one (mutual TLS): `clientAuth` usage only, so it
 * can never serve, and no server leaf (serverAuth only) can act as a client. Its common name names the client on
 * its node (`prometheus.prometheus-1`: with the FQDN it outgrew X.509's 64 characters in the examples), its
 * alternative names the node, like every leaf.
 */
export function clientCertificate(env: Environment, node: NodeSpec, client: ServiceName): CertificateRequest {
  const fqdn = nodeFqdn(env, node);
  return {
    id: clientCertificateId(node, client),
    commonName: `${client}.${node.name}`,
    dnsNames: [fqdn, node.name],
    ipAddresses: [node.address],
    usages: ['client'],
  };
}

/** Writes the client leaf of `client` (cert + chain, 0600 key) under `/etc/chatops/tls/<client>-client/`. */
export function clientTlsFiles(ctx: RenderContext, node: NodeSpec, client: ServiceName, options: TlsFilesOptions = {}): TlsFiles {
  const leaf = ctx.pki.leaf(clientCertificateId(node, client));
  const owner = options.owner ?? 'root';
  const group = options.group ?? owner;
  const action = options.action ?? 'restart';
  const dir = nodePath(ctx.env, node, `${TLS_DIR}/${client}-client`);
  const certFile = `${dir}/cert.pem`;
  const keyFile = `${dir}/key.pem`;
  return {
    caFile: caBundlePath(ctx, node),
    certFile,
    keyFile,
    artifacts: [
      caBundle(ctx, node, client),
      artifact({ path: certFile, content: leaf.cert + leaf.chain, mode: '0644', owner, group, service: client, action }),
      artifact({ path: keyFile, content: leaf.key, mode: '0600', owner, group, service: client, action, secret: true }),
    ],
  };
}

export interface TlsFiles {
  /** Node paths a daemon's config refers to. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly artifacts: Artifact[];
}

export interface TlsFilesOptions {
  /** User that reads the key. @default 'root' */
  readonly owner?: string;
  /** @default owner */
  readonly group?: string;
  /** @default 'restart' */
  readonly action?: Artifact['action'];
}

/** Writes our CA, the service's leaf (cert + chain) and its PKCS#8 key (0600) under `/etc/chatops/tls/<service>/`. */
export function tlsFiles(ctx: RenderContext, node: NodeSpec, service: ServiceName, options: TlsFilesOptions = {}): TlsFiles {
  const leaf = ctx.pki.leaf(certificateId(node, service));
  const owner = options.owner ?? 'root';
  const group = options.group ?? owner;
  const action = options.action ?? 'restart';
  const p = (file: string) => nodePath(ctx.env, node, `${TLS_DIR}/${file}`);
  const caFile = caBundlePath(ctx, node);
  const certFile = p(`${service}/cert.pem`);
  const keyFile = p(`${service}/key.pem`);
  return {
    caFile,
    certFile,
    keyFile,
    artifacts: [
      caBundle(ctx, node, service),
      artifact({ path: certFile, content: leaf.cert + leaf.chain, mode: '0644', owner, group, service, action }),
      artifact({ path: keyFile, content: leaf.key, mode: '0600', owner, group, service, action, secret: true }),
    ],
  };
}

export function caBundlePath(ctx: RenderContext, node: NodeSpec): string {
  return nodePath(ctx.env, node, `${TLS_DIR}/ca.pem`);
}

/** The CA bundle every client on the node trusts (identical bytes from every renderer, so they merge). */
export function caBundle(ctx: RenderContext, node: NodeSpec, service: string): Artifact {
  return artifact({ path: caBundlePath(ctx, node), content: ctx.pki.caCert, mode: '0644', service, action: 'restart' });
}
