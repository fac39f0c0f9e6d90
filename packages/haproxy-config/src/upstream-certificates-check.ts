import { X509Certificate } from 'node:crypto';
import type { Diagnostic } from '@chatops/core';
import { type StackCheck, certificateId, nodeFqdn, nodeWithRole } from '@chatops/environment';
import { edgeUpstreams } from './edge-config.js';

/**
 * Every HAProxy TLS hop must be verifiable: for each backend server, the service on that node has a leaf from
 * our CA naming the node's FQDN (HAProxy's `sni`/`verifyhost`), and that node's bundle deploys it.
 */
export const haproxyUpstreamCertificates: StackCheck = {
  name: 'haproxy upstream certificates',
  check(ctx, bundles) {
    const out: Diagnostic[] = [];
    const { env } = ctx;
    const lbIndex = env.nodes.indexOf(nodeWithRole(env, 'loadbalancer'));
    const ca = new X509Certificate(ctx.pki.caCert);
    // Several servers share a node's certificate (one per app instance): parse and verify each one once.
    const verdicts = new Map<string, { namesNode: boolean; signed: boolean }>();
    for (const u of edgeUpstreams(env)) {
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
        verdict = { namesNode: cert.checkHost(fqdn) !== undefined, signed: cert.checkIssued(ca) && cert.verify(ca.publicKey) };
        verdicts.set(id, verdict);
      }
      if (!verdict.namesNode)
        out.push({ path: ['nodes', lbIndex], message: `${where}: certificate ${id} does not name ${fqdn}, which HAProxy verifies` });
      if (!verdict.signed) out.push({ path: ['nodes', lbIndex], message: `${where}: certificate ${id} is not signed by our CA` });
      const deployed = (bundles.get(u.node.name) ?? []).some((a) => a.content.includes(leaf.cert.trim()));
      if (!deployed)
        out.push({
          path: ['nodes', lbIndex],
          message: `${where}: ${u.node.name} does not deploy certificate ${id}, so the service cannot present it`,
        });
    }
    return out;
  },
};
