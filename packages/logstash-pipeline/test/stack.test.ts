import { join } from 'node:path';
import { SecretStore } from '@chatops/core';
import { type RenderContext, loadEnvironment, nodeWithRole } from '@chatops/environment';
import { PIPELINE_PATH, logstashRenderer, parsePipeline, renderedBeatsInputs } from '@chatops/logstash-pipeline';
import { configSubstitutions } from '../src/substitutions.js';
import { renderStackPipeline } from '../src/logstash-renderer.js';
import { RENDERERS } from '@chatops/stack';
import { describe, expect, it } from 'vitest';

const examples = join(import.meta.dirname, '..', '..', '..', 'examples', 'cloud-chatops', 'environments');

function context(name: 'prod' | 'dev'): RenderContext {
  const { environment, secrets } = loadEnvironment(join(examples, `${name}.yaml`), {
    env: { ...process.env, LOGSTASH_WRITER_PASSWORD: 'test-only' },
    // The stack's catalogue: the services whose lines the pipeline parses are those with a `logParsing` fact.
    services: RENDERERS,
  });
  const leaf = {
    cert: '-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n',
    key: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n',
    chain: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
    notAfter: new Date(0),
  };
  return { env: environment, secrets: secrets ?? new SecretStore(), pki: { caCert: leaf.chain, leaf: () => leaf, publicCert: leaf } };
}

describe('stack pipeline', () => {
  for (const name of ['prod', 'dev'] as const) {
    it(`renders the ${name} Logstash node (golden files)`, async () => {
      const ctx = context(name);
      const node = nodeWithRole(ctx.env, 'logstash');
      const { artifacts } = logstashRenderer.render(node, ctx);
      for (const a of artifacts.filter((x) => !x.secret && !x.path.includes('/tls/'))) {
        await expect(a.content).toMatchFileSnapshot(`./__snapshots__/${name}${a.path}`);
      }
      expect(artifacts.map((a) => `${a.mode} ${a.owner}:${a.group} ${a.secret ? 'secret ' : ''}${a.path}`)).toMatchSnapshot();
    });
  }

  it('parses back to the AST it was printed from', () => {
    const ctx = context('prod');
    const { config, text } = renderStackPipeline(ctx, nodeWithRole(ctx.env, 'logstash'));
    expect(parsePipeline(text)).toEqual(config);
    expect(configSubstitutions(config)).toEqual([{ name: 'ES_PASSWORD' }]);
  });

  it('keys and secrets are private; the password never appears in the pipeline', () => {
    const ctx = context('prod');
    const { artifacts } = logstashRenderer.render(nodeWithRole(ctx.env, 'logstash'), ctx);
    for (const a of artifacts.filter((x) => x.secret)) expect(a.mode).toBe('0600');
    const key = artifacts.find((a) => a.path.endsWith('/logstash/key.pem'));
    expect(key?.owner).toBe('logstash');
    const conf = artifacts.find((a) => a.path === PIPELINE_PATH)!;
    expect(conf.content).toContain('password => "${ES_PASSWORD}"');
  });

  it('exports the beats input as rendered, for the Filebeat cross-check', () => {
    const ctx = context('prod');
    const node = nodeWithRole(ctx.env, 'logstash');
    const bundles = new Map([[node.name, logstashRenderer.render(node, ctx).artifacts]]);
    expect(renderedBeatsInputs(ctx, bundles)).toMatchInlineSnapshot(`
      [
        {
          "caCert": "-----BEGIN CERTIFICATE-----
      CA
      -----END CERTIFICATE-----
      ",
          "clientAuth": true,
          "host": "10.0.0.51",
          "names": [
            "elastic-1.internal.cloud-chatops.nubes.rl.ac.uk",
            "elastic-1",
            "10.0.0.51",
          ],
          "node": "elastic-1",
          "port": 5044,
          "tls": true,
        },
      ]
    `);
  });

  it('asks for a server certificate on the node names and a client leaf for Elasticsearch (mutual TLS)', () => {
    const ctx = context('prod');
    expect(logstashRenderer.certificates?.(ctx.env, nodeWithRole(ctx.env, 'logstash'))).toMatchInlineSnapshot(`
      [
        {
          "commonName": "elastic-1.internal.cloud-chatops.nubes.rl.ac.uk",
          "dnsNames": [
            "elastic-1.internal.cloud-chatops.nubes.rl.ac.uk",
            "elastic-1",
          ],
          "id": "elastic-1/logstash",
          "ipAddresses": [
            "10.0.0.51",
          ],
          "usages": [
            "server",
          ],
        },
        {
          "commonName": "logstash.elastic-1",
          "dnsNames": [
            "elastic-1.internal.cloud-chatops.nubes.rl.ac.uk",
            "elastic-1",
          ],
          "id": "elastic-1/logstash-client",
          "ipAddresses": [
            "10.0.0.51",
          ],
          "usages": [
            "client",
          ],
        },
      ]
    `);
  });
});
