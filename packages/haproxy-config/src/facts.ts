import type { ServiceFacts } from '@chatops/environment';

/** HAProxy's `%tr` request date in its HTTP log. */
const HAPROXY_DATE_FORMAT = 'dd/MMM/yyyy:HH:mm:ss.SSS';

/** HAProxy, the public edge on the load balancer: applied last, after every service it routes to and certbot's ACME listener. */
export const haproxyFacts: ServiceFacts = {
  service: 'haproxy',
  runsOn: ['loadbalancer'],
  after: ['certbot'],
  afterRoutes: true,
  listeners: (env) => [
    { port: env.ports.http, label: 'haproxy http', tls: 'none' },
    { port: env.ports.https, label: 'haproxy https', tls: 'public' },
    { port: env.ports.haproxyMetrics, label: 'haproxy metrics' },
  ],
  units: ['haproxy.service'],
  requires: { binaries: [{ binary: 'haproxy', fix: 'apt-get install haproxy' }], user: 'haproxy' },
  // HAProxy logs raw lines (no syslog header) to stdout, which journald keeps: its HTTP log is parsed.
  logs: { journal: true },
  logParsing: { grok: '%{HAPROXYHTTPBASE}', date: { field: '[haproxy][request_date]', format: HAPROXY_DATE_FORMAT } },
  metrics: [{ job: 'haproxy', port: (e) => e.ports.haproxyMetrics, path: '/metrics', basicAuth: true }],
};
