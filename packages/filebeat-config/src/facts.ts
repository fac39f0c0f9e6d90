import type { ServiceFacts } from '@chatops/environment';

/** Filebeat on every node, after the Logstash it ships to (it opens no port). */
export const filebeatFacts: ServiceFacts = {
  service: 'filebeat',
  runsOn: 'every-node',
  after: ['logstash'],
  units: ['filebeat.service'],
};
