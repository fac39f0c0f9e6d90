import type { ServiceFacts } from '@chatops/environment';

/** Filebeat on every node, after the Logstash it ships to (it opens no port). */
export const filebeatFacts: ServiceFacts = {
  service: 'filebeat',
  runsOn: 'every-node',
  after: ['logstash'],
  units: ['filebeat.service'],
  // Root with DAC_READ_SEARCH only (its sandbox drop-in): it reads every service's logs.
  requires: { binaries: [{ binary: 'filebeat', fix: "apt-get install filebeat (from Elastic's apt repository)" }], user: 'root' },
};
