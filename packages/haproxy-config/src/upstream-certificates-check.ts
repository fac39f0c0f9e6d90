import { X509Certificate } from 'node:crypto';
import type { Diagnostic } from '@chatops/core';
import { type Environment, type StackCheck, certificateId, nodeFqdn, nodeWithRole, tlsFiles } from '@chatops/environment';
import { type EdgeUpstream, edgeUpstreams } from './edge-config.js';

export interface UpstreamCertificatesCheckOptions {
  /** The edge's backend servers to check (a test injects its own). @default edgeUpstreams */
  readonly upstreams?: (env: Environment) => readonly EdgeUpstream[];
}

/** The first certificate of a PEM file, or undefined when there is none (or it does not parse). */
function firstCertificate(pem: string): X509Certificate | undefined {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!block) return undefined;
  try {
    return new X509Certificate(block);
  } catch {
    return undefined;
  }
}

/**
 * Every HAProxy TLS hop must be verifiable: for each backend server of the edge (`edgeUpstreams`), the service on
 * that node has a leaf from our CA naming the node's FQDN (HAProxy's `sni`/`verifyhost`), and that node's bundle
 * deploys it where the service reads it (`tlsFiles(ctx, node, service).certFile`: the file's first certificate is
 * that leaf, compared by fingerprint). An edge without upstreams is reported: there would be nothing to check.
 */
export function upstreamCertificatesCheck(options: UpstreamCertificatesCheckOptions = {}): StackCheck {
  return {
    name: 'haproxy upstream certificates',
    check(ctx, bundles) {
      const out: Diagnostic[] = [];
      const { env } = ctx;
      const lbIndex = env.nodes.indexOf(nodeWithRole(env, 'loadbalancer'));
      const upstreams = (options.upstreams ?? edgeUpstreams)(env);
      if (upstreams.length === 0) {
        return [{ path: ['nodes', lbIndex], message: 'the edge has no upstream server: no HAProxy TLS hop to check' }];
      }
      const ca = new X509Certificate(ctx.pki.caCert);
      // Several servers share a node's certificate (one per app instance): parse, verify and find it once.
      const verdicts = new Map<string, { namesNode: boolean; signed: boolean; file: 'missing' | 'other' | 'ok'; certFile: string }>();
      for (const u of upstreams) {
        const id = certificateId(u.node, u.backend);
        const where = `HAProxy backend ${u.backend} server ${u.server} (${u.node.name}:${u.port})`;
        let leaf: { cert: string };
        try {
          leaf = ctx.pki.leaf(id);
        } catch {
          out.push({
            path: ['nodes', lbIndex],
            message: `${where}: no certificate ${id} is requested, so HAProxy cannot verify it (the ${u.backend} renderer must request serviceCertificate(env, node, '${u.backend}'))`,
          });
          continue;
        }
        const fqdn = nodeFqdn(env, u.node);
        let verdict = verdicts.get(id);
        if (!verdict) {
          const cert = new X509Certificate(leaf.cert);
          const { certFile } = tlsFiles(ctx, u.node, u.backend);
          const file = (bundles.get(u.node.name) ?? []).find((a) => a.path === certFile);
          verdict = {
            namesNode: cert.checkHost(fqdn) !== undefined,
            signed: cert.checkIssued(ca) && cert.verify(ca.publicKey),
            file: !file ? 'missing' : firstCertificate(file.content)?.fingerprint256 === cert.fingerprint256 ? 'ok' : 'other',
            certFile,
          };
          verdicts.set(id, verdict);
        }
        if (!verdict.namesNode)
          out.push({ path: ['nodes', lbIndex], message: `${where}: certificate ${id} does not name ${fqdn}, which HAProxy verifies` });
        if (!verdict.signed) out.push({ path: ['nodes', lbIndex], message: `${where}: certificate ${id} is not signed by our CA` });
        if (verdict.file === 'missing') {
          out.push({
            path: ['nodes', lbIndex],
            message: `${where}: ${u.node.name} does not deploy ${verdict.certFile} (certificate ${id}), so the service cannot present it`,
          });
        } else if (verdict.file === 'other') {
          out.push({
            path: ['nodes', lbIndex],
            message: `${where}: ${u.node.name}'s ${verdict.certFile} is not certificate ${id}, so the service presents another one`,
          });
        }
      }
      return out;
    },
  };
}

/** The check with the stack's edge (registered in `@chatops/stack`). */
export const haproxyUpstreamCertificates: StackCheck = upstreamCertificatesCheck();
