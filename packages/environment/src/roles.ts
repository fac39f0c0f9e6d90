/** What a node can be asked to run. Every node also runs filebeat, systemd-exporter and node-exporter. */
export const ROLES = ['loadbalancer', 'chatops', 'grafana', 'prometheus', 'alertmanager', 'elasticsearch', 'kibana', 'logstash'] as const;
export type Role = (typeof ROLES)[number];

/** How many nodes must carry each role. */
export const ROLE_CARDINALITY: Readonly<Record<Role, { min: number; max: number }>> = {
  loadbalancer: { min: 1, max: 1 },
  chatops: { min: 1, max: Number.POSITIVE_INFINITY },
  grafana: { min: 1, max: Number.POSITIVE_INFINITY },
  prometheus: { min: 1, max: 1 },
  alertmanager: { min: 1, max: 1 },
  elasticsearch: { min: 1, max: 1 },
  kibana: { min: 1, max: 1 },
  logstash: { min: 1, max: 1 },
};
