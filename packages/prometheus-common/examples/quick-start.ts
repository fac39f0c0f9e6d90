import { exactRegex, parsePromql, printWebConfig, promqlSelector } from '@chatops/prometheus-common';

// One selector for alert rules and dashboards alike: values are quoted, alternatives escaped.
const up = promqlSelector('up', [
  ['job', '=', 'node-exporter'],
  ['node', '=~', exactRegex(['web-1', 'web.2'])],
]);
const parsed = parsePromql(`sum by (node) (${up}) == 0`);
console.log(up); // up{job="node-exporter",node=~"web-1|web\\.2"}
console.log(parsed.errors.length, parsed.labels.names); // 0 [ 'node' ]

// The exporter-toolkit web.yml (Prometheus, Alertmanager, node_exporter, ...): TLS, client certificates, bcrypt users.
console.log(
  printWebConfig({
    tls_server_config: {
      cert_file: '/etc/prometheus/tls/cert.pem',
      key_file: '/etc/prometheus/tls/key.pem',
      client_auth_type: 'RequireAndVerifyClientCert',
      client_ca_file: '/etc/prometheus/tls/ca.pem',
    },
    basic_auth_users: { prometheus: '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy' },
  }),
);
