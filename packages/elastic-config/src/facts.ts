import { type ServiceFacts, nodesWithRole } from '@chatops/environment';

/** Elasticsearch on the `elasticsearch` node. */
export const elasticsearchFacts: ServiceFacts = {
  service: 'elasticsearch',
  runsOn: ['elasticsearch'],
  listeners: (env) => [{ port: env.ports.elasticsearch }],
  units: ['elasticsearch.service'],
};

/** Kibana on the `kibana` node, after the Elasticsearch it reads. */
export const kibanaFacts: ServiceFacts = {
  service: 'kibana',
  runsOn: ['kibana'],
  after: ['elasticsearch'],
  listeners: (env) => [{ port: env.ports.kibana }],
  units: ['kibana.service'],
  route: (env) => ({
    subdomain: 'kibana',
    auth: true,
    healthPath: '/api/status',
    // With security on, Kibana answers 401 to anonymous status requests.
    expect: { rstatus: '^(200|401)$' },
    stripAuthorization: true,
    servers: nodesWithRole(env, 'kibana').map((node) => ({ name: node.name, node, port: env.ports.kibana })),
  }),
};
