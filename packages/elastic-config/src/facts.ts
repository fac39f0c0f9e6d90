import { type HealthFact, type ServiceFacts, nodesWithRole } from '@chatops/environment';

/** Elasticsearch's plain log lines start with `[2024-01-31T12:00:00,123]` (Elastic's log4j2 layout). */
const ELASTIC_MULTILINE_PATTERN = String.raw`^\[\d{4}-\d{2}-\d{2}T`;

// With security on, Kibana answers 401 to anonymous status requests. Kibana requires a client certificate from our CA
// (server.ssl.clientAuthentication: required): deploy's check presents Kibana's own client leaf on the node.
const kibanaHealth: HealthFact = { port: (env) => env.ports.kibana, path: '/api/status', ok: [200, 401], clientCertificate: 'kibana' };

/** Elasticsearch on the `elasticsearch` node. */
export const elasticsearchFacts: ServiceFacts = {
  service: 'elasticsearch',
  runsOn: ['elasticsearch'],
  listeners: (env) => [{ port: env.ports.elasticsearch }],
  units: ['elasticsearch.service'],
  requires: {
    binaries: [
      { binary: '/usr/share/elasticsearch/bin/elasticsearch', fix: "apt-get install elasticsearch (from Elastic's apt repository)" },
    ],
    user: 'elasticsearch',
  },
  secrets: ['elastic.elasticPassword'],
  logs: { files: (env) => [`${env.elastic.logPath}/${env.elastic.clusterName}.log`], firstLine: ELASTIC_MULTILINE_PATTERN },
};

/** Kibana on the `kibana` node, after the Elasticsearch it reads. */
export const kibanaFacts: ServiceFacts = {
  service: 'kibana',
  runsOn: ['kibana'],
  after: ['elasticsearch'],
  listeners: (env) => [{ port: env.ports.kibana }],
  units: ['kibana.service'],
  health: kibanaHealth,
  requires: {
    binaries: [{ binary: '/usr/share/kibana/bin/kibana', fix: "apt-get install kibana (from Elastic's apt repository)" }],
    user: 'kibana',
  },
  secrets: ['elastic.kibanaSystemPassword'],
  logs: { journal: true },
  route: (env) => ({
    subdomain: 'kibana',
    auth: true,
    healthPath: kibanaHealth.path,
    expect: { rstatus: '^(200|401)$' },
    stripAuthorization: true,
    servers: nodesWithRole(env, 'kibana').map((node) => ({ name: node.name, node, port: env.ports.kibana })),
  }),
};
