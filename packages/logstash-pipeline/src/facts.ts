import type { ServiceFacts } from '@chatops/environment';

/** Logstash on the `logstash` node: its beats input, after the Elasticsearch it writes to. */
export const logstashFacts: ServiceFacts = {
  service: 'logstash',
  runsOn: ['logstash'],
  after: ['elasticsearch'],
  listeners: (env) => [{ port: env.ports.logstash }],
  units: ['logstash.service'],
  requires: {
    binaries: [{ binary: '/usr/share/logstash/bin/logstash', fix: "apt-get install logstash (from Elastic's apt repository)" }],
    user: 'logstash',
  },
  secrets: ['elastic.logstashPassword'],
};
