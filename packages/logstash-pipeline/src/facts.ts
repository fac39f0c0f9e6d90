import type { ServiceFacts } from '@chatops/environment';

/** Logstash's plain log lines start with `[2024-01-31T12:00:00,123]` (Elastic's log4j2 layout). */
const LOGSTASH_MULTILINE_PATTERN = String.raw`^\[\d{4}-\d{2}-\d{2}T`;

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
  logs: { files: () => ['/var/log/logstash/logstash-plain.log'], firstLine: LOGSTASH_MULTILINE_PATTERN },
};
