import { type Environment, TLS_DIR, catalogueOf, findNode, nodeFqdn, nodePath, servicesOn } from '@chatops/environment';
import type { HealthProbe } from './_remote.js';
import { rolledInstances } from './rolling.js';

/**
 * How apply tells that each unit on `node` is healthy after a reload/restart: the `health` fact of the service
 * running it (its own health endpoint over TLS, verified with our CA and the node's internal name: the paths
 * HAProxy checks, where 401 means up behind basic auth), presenting the client leaf the fact names on that node
 * where the service requires one (mutual TLS; the login deploys it, so it can read it). ChatOps instances are
 * checked through their TLS terminator (`rolledInstances`). Units of services without a `health` fact are waited
 * for with `systemctl is-active`.
 */
export function healthProbes(env: Environment, node: string): Map<string, HealthProbe> {
  const spec = findNode(env, node);
  const services = new Set(servicesOn(env, spec));
  const out = new Map<string, HealthProbe>();
  for (const { service, health, units } of catalogueOf(env)) {
    if (!health || !services.has(service)) continue;
    // Where clientTlsFiles puts a client's leaf (`/etc/chatops/tls/<client>-client/`).
    const client = health.clientCertificate && nodePath(env, spec, `${TLS_DIR}/${health.clientCertificate}-client`);
    const probe: HealthProbe = {
      serverName: nodeFqdn(env, spec),
      address: spec.address,
      port: health.port(env),
      path: health.path,
      ok: health.ok,
      caFile: nodePath(env, spec, `${TLS_DIR}/ca.pem`),
      ...(client ? { client: { certFile: `${client}/cert.pem`, keyFile: `${client}/key.pem` } } : {}),
    };
    for (const unit of units ?? []) out.set(unit, probe);
  }
  for (const [unit, i] of rolledInstances(env, node)) out.set(unit, i.probe);
  return out;
}
