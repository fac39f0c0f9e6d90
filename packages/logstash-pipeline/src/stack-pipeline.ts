import { type Environment, type NodeSpec, internalUrl, nodeWithRole } from '@chatops/environment';
import { config, eq, field, ifThen, not, section } from './ast-builders.js';
import type { Config } from './ast.js';
import { beatsInput } from './beats-input.js';
import { dateFilter } from './date-filter.js';
import { elasticsearchOutput } from './elasticsearch-output.js';
import { grokFilter } from './grok-filter.js';
import { mutateFilter } from './mutate-filter.js';
import { substitution } from './substitutions.js';

/** The event field Filebeat sets to name the service a line comes from (ECS `service.name`). */
export const SERVICE_FIELD = '[service][name]';
/** Service names with their own parsing; everything else passes through untouched. */
export const PARSED_SERVICES = { chatops: 'chatops', haproxy: 'haproxy' } as const;
/** The ChatOps app's log line, e.g. `[2024-05-01 12:00:00,123] INFO in app: started`. */
// (?m): Filebeat joins a traceback's lines into one event; without it GREEDYDATA stops at the first newline.
export const CHATOPS_LOG_PATTERN =
  '(?m)\\[%{TIMESTAMP_ISO8601:timestamp}\\] %{LOGLEVEL:level} in %{DATA:module}: %{GREEDYDATA:log_message}';
export const CHATOPS_DATE_FORMAT = 'yyyy-MM-dd HH:mm:ss,SSS';
/** HAProxy's `%tr` request date in its HTTP log. */
export const HAPROXY_DATE_FORMAT = 'dd/MMM/yyyy:HH:mm:ss.SSS';
/** The Elasticsearch user Logstash writes as. */
export const LOGSTASH_ES_USER = 'logstash_writer';
/** Environment variable (set by the systemd drop-in) holding that user's password. */
export const ES_PASSWORD_VARIABLE = 'ES_PASSWORD';
export const INDEX_PATTERN = 'chatops-%{[service][name]}-%{+YYYY.MM.dd}';

export interface StackPipelineFiles {
  /** CA bundle path on the Logstash node. */
  readonly caFile: string;
  readonly certFile: string;
  /** PKCS#8 key. */
  readonly keyFile: string;
  /** The client leaf Logstash presents to Elasticsearch (which requires one: mutual TLS). */
  readonly client: { readonly certFile: string; readonly keyFile: string };
}

/**
 * The stack's pipeline: beats over TLS on the Logstash node's address and `ports.logstash`; the ChatOps app's log
 * format and HAProxy's HTTP log parsed (dates into `@timestamp`); other services passed through; everything
 * indexed into `chatops-<service>-<day>` on the Elasticsearch node over mutual TLS (Logstash's client
 * certificate) as `logstash_writer`.
 */
export function stackPipeline(env: Environment, node: NodeSpec, files: StackPipelineFiles): Config {
  const es = nodeWithRole(env, 'elasticsearch');
  const service = field(SERVICE_FIELD);
  return config(
    section('input', [
      beatsInput({
        id: 'beats',
        host: node.address,
        port: env.ports.logstash,
        sslEnabled: true,
        sslCertificate: files.certFile,
        sslKey: files.keyFile,
        // Mutual TLS: only Filebeats with a client certificate from our CA may send events.
        sslCertificateAuthorities: [files.caFile],
        sslClientAuthentication: 'required',
      }),
    ]),
    section('filter', [
      ifThen(not(service), [mutateFilter({ id: 'service-unknown', addField: { [SERVICE_FIELD]: 'unknown' } })], {
        else: [mutateFilter({ id: 'service-lowercase', lowercase: [SERVICE_FIELD] })],
      }),
      ifThen(
        eq(service, PARSED_SERVICES.chatops),
        [
          grokFilter({ id: 'chatops-grok', match: { message: CHATOPS_LOG_PATTERN } }),
          dateFilter({ id: 'chatops-date', match: ['timestamp', CHATOPS_DATE_FORMAT], timezone: 'UTC', removeField: ['timestamp'] }),
        ],
        {
          elseIf: [
            {
              when: eq(service, PARSED_SERVICES.haproxy),
              then: [
                // HAProxy logs raw lines (no syslog header) to stdout; Filebeat reads them from the journal.
                grokFilter({ id: 'haproxy-grok', match: { message: '%{HAPROXYHTTPBASE}' } }),
                dateFilter({ id: 'haproxy-date', match: ['[haproxy][request_date]', HAPROXY_DATE_FORMAT], timezone: 'UTC' }),
              ],
            },
          ],
        },
      ),
    ]),
    section('output', [
      elasticsearchOutput({
        id: 'elasticsearch',
        // By address (nothing resolves internal names); full verification checks it against the IP SAN.
        hosts: [internalUrl(env, es, env.ports.elasticsearch)],
        sslEnabled: true,
        sslCertificateAuthorities: [files.caFile],
        sslCertificate: files.client.certFile,
        sslKey: files.client.keyFile,
        sslVerificationMode: 'full',
        user: LOGSTASH_ES_USER,
        password: substitution(ES_PASSWORD_VARIABLE),
        index: INDEX_PATTERN,
        dataStream: 'false',
        // The ILM policy and index template come from elasticsearch-setup (@chatops/elastic-config), so the
        // writer role needs no template or ILM privileges.
        ilmEnabled: 'false',
        manageTemplate: false,
      }),
    ]),
  );
}
