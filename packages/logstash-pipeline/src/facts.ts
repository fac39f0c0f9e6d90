import type { ServiceFacts } from '@chatops/environment';

/** Logstash on the `logstash` node: its beats input, after the Elasticsearch it writes to. */
export const logstashFacts: ServiceFacts = {
  service: 'logstash',
  runsOn: ['logstash'],
  after: ['elasticsearch'],
  listeners: (env) => [{ port: env.ports.logstash }],
  units: ['logstash.service'],
};
