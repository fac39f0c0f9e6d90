import { join } from 'node:path';
import type { Artifact } from '@chatops/core';
import { filebeatLogstashAgreement, parseFilebeatConfig } from '@chatops/filebeat-config';
import { FILEBEAT_CONFIG_PATH } from '../src/filebeat-renderer.js';
import { PIPELINE_PATH } from '@chatops/logstash-pipeline';
import { type PreparedRender, type StackResult, prepareRender, renderStack } from '@chatops/stack';
import { tempDir } from '@chatops/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from './_fixtures.js';

describe('in the whole stack (dev, real PKI, every registered renderer)', () => {
  let ctx: PreparedRender;
  let bundles: StackResult['bundles'];
  beforeAll(async () => {
    using pki = tempDir('filebeat-pki-');
    ctx = await prepareRender(join(EXAMPLES, 'dev.yaml'), { pkiDir: pki.path, persistPki: false });
    bundles = renderStack(ctx).bundles;
  });

  it('renders Filebeat on every node, next to the CA that signed the Logstash certificate', () => {
    for (const node of ctx.env.nodes) {
      const files = bundles.get(node.name) ?? [];
      expect(parseFilebeatConfig(files.find((a) => a.path === FILEBEAT_CONFIG_PATH)?.content ?? '').output.logstash?.hosts).toEqual([
        '10.1.0.51:5044',
      ]);
      expect(files.find((a) => a.path === '/etc/chatops/tls/ca.pem')?.content).toBe(ctx.pki.caCert);
    }
  });

  it("agrees with the beats input parsed back from Logstash's rendered pipeline, and notices when it changes", () => {
    expect(filebeatLogstashAgreement.check(ctx, bundles)).toEqual([]);
    const tampered = new Map(bundles);
    const elastic = (bundles.get('elastic-1') ?? []).map(
      (a): Artifact =>
        a.path === PIPELINE_PATH
          ? { ...a, content: a.content.replace(/port => 5044/, 'port => 5055').replace(/ssl_enabled => true/, 'ssl_enabled => false') }
          : a,
    );
    expect(elastic.find((a) => a.path === PIPELINE_PATH)?.content).toContain('port => 5055');
    tampered.set('elastic-1', elastic);
    const messages = filebeatLogstashAgreement.check(ctx, tampered).map((d) => d.message);
    expect(messages).toHaveLength(2 * ctx.env.nodes.length);
    expect(messages.slice(0, 2)).toMatchInlineSnapshot(`
      [
        "filebeat on lb-1: output.logstash.hosts[0] 10.1.0.51:5044: Logstash's beats input listens on port 5055",
        "filebeat on lb-1: output.logstash.ssl is enabled but Logstash's beats input does not use TLS",
      ]
    `);
  });
});
