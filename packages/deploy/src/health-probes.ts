import { type Environment, type ServiceName, TLS_DIR, findNode, nodeFqdn, nodePath, serviceUnits, servicesOn } from '@chatops/environment';
import type { HealthProbe } from './_remote.js';
import { rolledInstances } from './rolling.js';

/**
 * How apply tells that each unit on `node` is healthy after a reload/restart: the service's own health endpoint
 * over TLS, verified with our CA and the node's internal name, where the service has one (the same paths HAProxy
 * checks: ChatOps `/health`, Grafana `/api/health`, Prometheus and Alertmanager `/-/healthy`, where 401 means up
 * behind basic auth, Kibana `/api/status`). Prometheus requires a client certificate (mutual TLS): the probe
 * presents Prometheus' own client leaf on that node (the login deploys it, so it can read it). Units missing here (HAProxy, exporters, Filebeat, Logstash,
 * Elasticsearch) are waited for with `systemctl is-active`.
 */
export function healthProbes(env: Environment, node: string): Map<string, HealthProbe> {
  const spec = findNode(env, node);
  const services = servicesOn(env, spec);
  const probe = (port: number, path: string, ok: readonly number[]): HealthProbe => ({
    serverName: nodeFqdn(env, spec),
    address: spec.address,
    port,
    path,
    ok,
    caFile: nodePath(env, spec, `${TLS_DIR}/ca.pem`),
  });
  const out = new Map<string, HealthProbe>();
  const units = serviceUnits(env);
  const add = (service: ServiceName, p: HealthProbe) => {
    if (services.includes(service)) for (const unit of units.get(service) ?? []) out.set(unit, p);
  };
  add('grafana', probe(env.ports.grafana, '/api/health', [200]));
  // Where clientTlsFiles puts Prometheus' client leaf (`/etc/chatops/tls/<client>-client/`).
  const prometheusClient = (file: string) => nodePath(env, spec, `${TLS_DIR}/prometheus-client/${file}`);
  add('prometheus', {
    ...probe(env.ports.prometheus, '/-/healthy', [200, 401]),
    client: { certFile: prometheusClient('cert.pem'), keyFile: prometheusClient('key.pem') },
  });
  add('alertmanager', probe(env.ports.alertmanager, '/-/healthy', [200, 401]));
  add('kibana', probe(env.ports.kibana, '/api/status', [200, 401]));
  for (const [unit, i] of rolledInstances(env, node)) out.set(unit, i.probe);
  return out;
}
