import type { ServiceName } from '@chatops/environment';

/** An executable a service needs on its node, and what installs it on Debian 12. */
export interface Requirement {
  readonly binary: string;
  readonly fix: string;
}

/** What preflight looks for per service (the binaries the rendered units and checkers call). */
export const SERVICE_REQUIREMENTS: Readonly<Record<ServiceName, readonly Requirement[]>> = {
  haproxy: [{ binary: 'haproxy', fix: 'apt-get install haproxy' }],
  certbot: [{ binary: 'certbot', fix: 'apt-get install certbot' }],
  chatops: [
    { binary: 'docker', fix: 'apt-get install docker.io' },
    { binary: 'stunnel4', fix: 'apt-get install stunnel4' },
  ],
  cadvisor: [
    { binary: '/usr/local/bin/cadvisor', fix: 'install the cAdvisor release binary to /usr/local/bin/cadvisor (Debian 12 has no package)' },
    { binary: 'stunnel4', fix: 'apt-get install stunnel4' },
  ],
  grafana: [{ binary: 'grafana-server', fix: "apt-get install grafana (from Grafana's apt repository)" }],
  prometheus: [
    { binary: 'prometheus', fix: 'apt-get install prometheus' },
    { binary: 'promtool', fix: 'apt-get install prometheus' },
  ],
  alertmanager: [
    { binary: 'prometheus-alertmanager', fix: 'apt-get install prometheus-alertmanager' },
    { binary: 'amtool', fix: 'apt-get install prometheus-alertmanager' },
  ],
  elasticsearch: [
    { binary: '/usr/share/elasticsearch/bin/elasticsearch', fix: "apt-get install elasticsearch (from Elastic's apt repository)" },
  ],
  kibana: [{ binary: '/usr/share/kibana/bin/kibana', fix: "apt-get install kibana (from Elastic's apt repository)" }],
  logstash: [{ binary: '/usr/share/logstash/bin/logstash', fix: "apt-get install logstash (from Elastic's apt repository)" }],
  filebeat: [{ binary: 'filebeat', fix: "apt-get install filebeat (from Elastic's apt repository)" }],
  'systemd-exporter': [
    { binary: '/usr/local/bin/systemd_exporter', fix: 'install the systemd_exporter release binary to /usr/local/bin/systemd_exporter' },
  ],
  'node-exporter': [{ binary: 'prometheus-node-exporter', fix: 'apt-get install prometheus-node-exporter' }],
  'blackbox-exporter': [{ binary: 'prometheus-blackbox-exporter', fix: 'apt-get install prometheus-blackbox-exporter' }],
};

/** The Debian user each service's daemon runs as (who must be able to read its `onNode` secrets). */
export const SERVICE_USERS: Readonly<Partial<Record<ServiceName, string>>> = {
  haproxy: 'haproxy',
  chatops: 'root',
  grafana: 'grafana',
  prometheus: 'prometheus',
  // Debian's prometheus-alertmanager package runs Alertmanager as `prometheus`.
  alertmanager: 'prometheus',
  elasticsearch: 'elasticsearch',
  kibana: 'kibana',
  logstash: 'logstash',
  filebeat: 'root',
};

/** Which service reads a secret reference, by its path in the environment document. */
export function secretConsumer(path: readonly (string | number)[]): ServiceName | undefined {
  const key = path.slice(0, 2).join('.');
  if (key === 'serviceAccounts.grafana' || path[0] === 'grafana') return 'grafana';
  if (key === 'serviceAccounts.prometheus') return 'prometheus';
  if (path[0] === 'alerting') return 'alertmanager';
  if (path[0] === 'chatops') return 'chatops';
  if (key === 'elastic.elasticPassword') return 'elasticsearch';
  if (key === 'elastic.kibanaSystemPassword') return 'kibana';
  if (key === 'elastic.logstashPassword') return 'logstash';
  return undefined;
}

/** How to fix a missing system user or group on Debian. */
export function userFix(name: string, kind: 'user' | 'group'): string {
  return kind === 'user'
    ? `useradd --system --no-create-home --shell /usr/sbin/nologin ${name} (normally created by the service's Debian package)`
    : `groupadd --system ${name} (normally created by the service's Debian package)`;
}
