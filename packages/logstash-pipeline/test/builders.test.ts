import {
  beatsInput,
  dateFilter,
  elasticsearchOutput,
  grokFilter,
  jsonFilter,
  logstashYml,
  mutateFilter,
  pipelinesYml,
  printPipeline,
} from '@chatops/logstash-pipeline';
import { checkDateFormat } from '../src/joda-format.js';
import { checkGrokExpression } from '../src/grok-patterns.js';
import { describe, expect, it } from 'vitest';

describe('plugin builders', () => {
  it('print the Logstash option names in a stable order', () => {
    const text = printPipeline({
      sections: [
        {
          type: 'input',
          body: [
            beatsInput({
              port: 5044,
              sslEnabled: true,
              sslKey: '/k.pem',
              sslCertificate: '/c.pem',
              sslClientAuthentication: 'required',
              sslCertificateAuthorities: ['/ca.pem'],
            }),
          ],
        },
        {
          type: 'filter',
          body: [jsonFilter({ source: 'message', target: 'doc' }), mutateFilter({ removeField: ['x'], rename: { a: 'b' } })],
        },
      ],
    });
    expect(text).toMatchInlineSnapshot(`
      "input {
        beats {
          port => 5044
          ssl_enabled => true
          ssl_certificate => "/c.pem"
          ssl_key => "/k.pem"
          ssl_certificate_authorities => ["/ca.pem"]
          ssl_client_authentication => "required"
        }
      }

      filter {
        json {
          source => "message"
          target => "doc"
        }
        mutate {
          rename => {
            "a" => "b"
          }
          remove_field => ["x"]
        }
      }
      "
    `);
  });

  it('grok checks pattern names against the core set and its own definitions', () => {
    expect(checkGrokExpression('%{HAPROXYHTTP} %{NOPE:x} %{INT:n:long} %{MINE}', new Set(['MINE']))).toMatchInlineSnapshot(`
      [
        "unknown grok pattern NOPE",
        "grok type must be int or float, got "long"",
      ]
    `);
    expect(() => grokFilter({ match: { message: ['%{TIMESTAMP_ISO8601:ts}', '%{TYPO}'] } })).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: grok.match.message.1: unknown grok pattern TYPO]`,
    );
    expect(() => grokFilter({ match: { message: '%{MYDATE}' }, patternDefinitions: { MYDATE: '%{YEAR}-%{MONTHNUM}' } })).not.toThrow();
  });

  it('date checks Joda formats', () => {
    expect(checkDateFormat('yyyy-MM-dd HH:mm:ss,SSS')).toBeUndefined();
    expect(checkDateFormat("yyyy-MM-dd'T'HH:mm:ssZZ")).toBeUndefined();
    expect(checkDateFormat('UNIX_MS')).toBeUndefined();
    expect(checkDateFormat('YYYY-MM-DD hh:mm:ss.fff')).toMatchInlineSnapshot(
      `"illegal pattern letter "f" in Joda date format "YYYY-MM-DD hh:mm:ss.fff""`,
    );
    expect(() => dateFilter({ match: ['ts', 'yyyy-MM-dd', 'bad q'] })).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: date.match.2: illegal pattern letter "b" in Joda date format "bad q"]`,
    );
  });

  it('elasticsearch refuses a literal password and mixed schemes', () => {
    expect(() => elasticsearchOutput({ hosts: ['https://es:9200'], user: 'u', password: 'hunter2' })).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: elasticsearch.password: password must be a \${VAR} keystore/environment reference, not a literal value]`,
    );
    expect(() => elasticsearchOutput({ hosts: ['https://a:9200', 'http://b:9200'] })).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: elasticsearch.hosts: hosts mix http and https]`,
    );
    expect(() =>
      elasticsearchOutput({ hosts: ['https://es:9200'], user: 'u', password: '${ES_PASSWORD}', extra: 1 } as never),
    ).toThrowErrorMatchingInlineSnapshot(`[ConfigError: extra: unknown key]`);
  });

  it('beats TLS needs a certificate and key', () => {
    expect(() => beatsInput({ port: 5044, sslEnabled: true })).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: beats.sslEnabled: ssl_enabled needs ssl_certificate and ssl_key]`,
    );
  });

  it('renders pipelines.yml for several pipelines and a minimal logstash.yml', () => {
    expect(
      pipelinesYml([
        { id: 'beats', pathConfig: '/etc/logstash/conf.d/beats.conf', workers: 2 },
        { id: 'syslog', pathConfig: '/etc/logstash/syslog/*.conf', queueType: 'persisted' },
      ]),
    ).toMatchInlineSnapshot(`
      "- pipeline.id: beats
        path.config: /etc/logstash/conf.d/beats.conf
        pipeline.workers: 2
      - pipeline.id: syslog
        path.config: /etc/logstash/syslog/*.conf
        queue.type: persisted
      "
    `);
    expect(() =>
      pipelinesYml([
        { id: 'a', pathConfig: '/a' },
        { id: 'a', pathConfig: '/b' },
      ]),
    ).toThrowErrorMatchingInlineSnapshot(`[ConfigError: 1.id: duplicate pipeline id a]`);
    expect(logstashYml()).toContain('config.support_escapes: false');
  });
});
