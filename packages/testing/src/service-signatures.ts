import type { ServiceName } from '@chatops/environment';

/** The file whose presence on a node shows a service is configured there (its main config or unit). */
export const SERVICE_SIGNATURES: Readonly<Record<ServiceName, RegExp>> = {
  haproxy: /^\/etc\/haproxy\/haproxy\.cfg$/,
  certbot: /^\/etc\/systemd\/system\/certbot\.service\.d\/chatops\.conf$/,
  chatops: /^\/etc\/systemd\/system\/chatops@\.service$/,
  cadvisor: /^\/etc\/systemd\/system\/cadvisor\.service$/,
  grafana: /^\/etc\/grafana\/grafana\.ini$/,
  prometheus: /^\/etc\/prometheus\/prometheus\.yml$/,
  alertmanager: /^\/etc\/prometheus\/alertmanager\.yml$/,
  elasticsearch: /^\/etc\/elasticsearch\/elasticsearch\.yml$/,
  kibana: /^\/etc\/kibana\/kibana\.yml$/,
  logstash: /^\/etc\/logstash\/conf\.d\/.+\.conf$/,
  filebeat: /^\/etc\/filebeat\/filebeat\.yml$/,
  'systemd-exporter': /^\/etc\/systemd\/system\/systemd-exporter\.service$/,
  'node-exporter': /^\/etc\/default\/prometheus-node-exporter$/,
  'blackbox-exporter': /^\/etc\/prometheus\/blackbox\.yml$/,
};
