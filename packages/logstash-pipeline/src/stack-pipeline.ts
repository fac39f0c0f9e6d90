import { type Environment, type NodeSpec, catalogueOf, internalUrl, nodeWithRole } from '@chatops/environment';
import { config, eq, field, ifThen, not, section } from './ast-builders.js';
import type { Config, Statement } from './ast.js';
import { beatsInput } from './beats-input.js';
import { dateFilter } from './date-filter.js';
import { elasticsearchOutput } from './elasticsearch-output.js';
import { grokFilter } from './grok-filter.js';
import { mutateFilter } from './mutate-filter.js';
import { substitution } from './substitutions.js';

/** The event field Filebeat sets to name the service a line comes from (ECS `service.name`). */
export const SERVICE_FIELD = '[service][name]';
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
 * One branch per service with a `logParsing` fact, in catalogue order (`if`, then `else if`): its grok pattern on
 * `message`, then its date field into `@timestamp` (UTC). None when no service is parsed.
 */
function parsing(env: Environment): Statement[] {
  const service = field(SERVICE_FIELD);
  const clauses = catalogueOf(env).flatMap(({ service: name, logParsing: p }) =>
    p
      ? [
          {
            when: eq(service, name),
            then: [
              grokFilter({ id: `${name}-grok`, match: { message: p.grok } }),
              dateFilter({
                id: `${name}-date`,
                match: [p.date.field, p.date.format],
                timezone: 'UTC',
                ...(p.date.removeField ? { removeField: [p.date.field] } : {}),
              }),
            ],
          },
        ]
      : [],
  );
  const [first, ...rest] = clauses;
  return first ? [ifThen(first.when, first.then, rest.length > 0 ? { elseIf: rest } : {})] : [];
}

/**
 * The stack's pipeline: beats over TLS on the Logstash node's address and `ports.logstash`; the lines of each
 * service with a `logParsing` fact grokked and their dates put into `@timestamp` (the ChatOps app's log format,
 * HAProxy's HTTP log); other services passed through; everything
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
      ...parsing(env),
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
