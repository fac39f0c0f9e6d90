import { type Environment, type ServiceName, chatopsInstances, servicesOn } from './environment.js';
import type { NodeSpec } from './schema.js';

/**
 * The systemd unit of each long-running service (Debian package names). `chatops` has one templated unit per
 * instance plus the shared TLS terminator (`chatops-tls`), cAdvisor a TLS terminator too (see @chatops/units); certbot runs from a timer (its service is inactive between renewals), so it has no unit to watch.
 */
export const SERVICE_UNITS: Readonly<Record<ServiceName, readonly string[]>> = {
  haproxy: ['haproxy.service'],
  certbot: [],
  // Instance units (chatops@N.service) come from chatopsInstances; the TLS terminator in front of them is shared.
  chatops: ['chatops-tls.service'],
  cadvisor: ['cadvisor.service', 'cadvisor-tls.service'],
  grafana: ['grafana-server.service'],
  prometheus: ['prometheus.service'],
  alertmanager: ['prometheus-alertmanager.service'],
  elasticsearch: ['elasticsearch.service'],
  kibana: ['kibana.service'],
  logstash: ['logstash.service'],
  filebeat: ['filebeat.service'],
  'systemd-exporter': ['systemd-exporter.service'],
  'node-exporter': ['prometheus-node-exporter.service'],
  'blackbox-exporter': ['prometheus-blackbox-exporter.service'],
};

/**
 * The systemd units placed on a node, in `servicesOn` order: what must be active there (the "systemd unit failed
 * or inactive" alert watches exactly these). ChatOps instances contribute `chatops@N.service`.
 */
export function unitsOn(env: Environment, node: NodeSpec): string[] {
  const units: string[] = [];
  for (const service of servicesOn(env, node)) {
    if (service === 'chatops') units.push(...chatopsInstances(env, node).map((i) => i.unit));
    units.push(...SERVICE_UNITS[service]);
  }
  return units;
}
