import type { ServiceFacts } from '@chatops/environment';

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
};
