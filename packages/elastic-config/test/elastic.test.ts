import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretStore } from '@chatops/core';
import { type RenderContext, nodeWithRole } from '@chatops/environment';
import {
  type KibanaYmlInput,
  elasticPaths,
  elasticsearchRenderer,
  kibanaRenderer,
  printElasticsearchYml,
  printKibanaYml,
  printRoleDescriptor,
} from '@chatops/elastic-config';
import { writeArtifacts } from '@chatops/stack';
import { describeArtifacts, errorMessage, exampleContext, renderAll, requireBinary, run, tempDir } from '@chatops/testing';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const message = errorMessage;

describe.each(['prod', 'dev'] as const)('%s', (name) => {
  it('renders the Elastic node golden, and nothing elsewhere', async () => {
    const ctx = exampleContext(name);
    const bundles = renderAll(ctx, [elasticsearchRenderer, kibanaRenderer]);
    const es = nodeWithRole(ctx.env, 'elasticsearch');
    for (const node of ctx.env.nodes) if (node !== es) expect(bundles.get(node.name)).toEqual([]);
    await expect(describeArtifacts(bundles.get(es.name)!, { skipContentOf: /\.(pem|crt)$/ })).toMatchFileSnapshot(`./__snapshots__/${name}-${es.name}.txt`);
  });

  it('emits YAML that reads back to the settings, with no secret value in any non-secret file', () => {
    const ctx = exampleContext(name);
    const es = nodeWithRole(ctx.env, 'elasticsearch');
    const artifacts = renderAll(ctx, [elasticsearchRenderer, kibanaRenderer]).get(es.name)!;
    const paths = elasticPaths(ctx.env, es);
    const esYml = load(artifacts.find((a) => a.path === paths.elasticsearchYml)!.content) as Record<string, unknown>;
    expect(esYml['xpack.security.enabled']).toBe(true);
    expect(esYml['network.host']).toBe(es.address);
    const kb = load(artifacts.find((a) => a.path === paths.kibanaYml)!.content) as Record<string, unknown>;
    expect(kb['server.publicBaseUrl']).toBe(`https://kibana.${ctx.env.domain}`);
    expect(kb['elasticsearch.hosts']).toEqual([`https://${es.address}:${ctx.env.ports.elasticsearch}`]);
    if (name === 'dev') {
      const values = ['elastic-password', 'kibana-system-password', 'logstash-writer-password'].map((f) =>
        readFileSync(join(ctx.env.baseDir, '../secrets/dev', f), 'utf8').trim(),
      );
      for (const a of artifacts.filter((x) => !x.secret)) for (const v of values) expect(a.content).not.toContain(v);
      for (const a of artifacts.filter((x) => x.secret)) expect(a.mode).toMatch(/^06[04]0$/);
    }
  });
});

describe('schemas', () => {
  const base = {
    'cluster.name': 'c', 'node.name': 'n', 'path.data': '/d', 'path.logs': '/l', 'network.host': '10.0.0.1', 'http.port': 9200, 'xpack.security.enabled': true,
  } as const;
  it('elasticsearch.yml: rejects unknown settings and security without TLS', () => {
    expect(message(() => printElasticsearchYml({ ...base, 'xpack.security.http.ssl.enabled': true, 'xpack.security.transport.ssl.enabled': true, 'cluster.nmae': 'x' } as never))).toMatchInlineSnapshot(`
      "cluster.nmae: unknown key
      xpack.security.http.ssl.key: required when xpack.security.http.ssl.enabled is true
      xpack.security.http.ssl.certificate: required when xpack.security.http.ssl.enabled is true
      xpack.security.transport.ssl.key: required when xpack.security.transport.ssl.enabled is true
      xpack.security.transport.ssl.certificate: required when xpack.security.transport.ssl.enabled is true"
    `);
    expect(message(() => printElasticsearchYml(base))).toMatchInlineSnapshot(`
      "xpack.security.http.ssl.enabled: security is on: http TLS must be enabled (no plaintext hop)
      xpack.security.transport.ssl.enabled: security is on: transport TLS must be enabled (no plaintext hop)"
    `);
  });

  it('kibana.yml: a literal password is an unknown key; plaintext hosts and the superuser are refused', () => {
    const kb: KibanaYmlInput = {
      'server.host': '10.0.0.1', 'server.port': 5601, 'server.publicBaseUrl': 'https://kibana.example.org', 'server.ssl.enabled': false,
      'elasticsearch.hosts': ['https://10.0.0.1:9200'], 'elasticsearch.username': 'kibana_system', 'elasticsearch.ssl.certificateAuthorities': ['/ca.pem'], 'elasticsearch.ssl.verificationMode': 'full',
    };
    expect(message(() => printKibanaYml({ ...kb, 'elasticsearch.password': 'changeme' } as never))).toMatchInlineSnapshot(`"elasticsearch.password: unknown key"`);
    expect(message(() => printKibanaYml({ ...kb, 'elasticsearch.hosts': ['http://10.0.0.1:9200'], 'elasticsearch.username': 'elastic' }))).toMatchInlineSnapshot(`
      "elasticsearch.hosts.0: expected an https:// URL (no plaintext hop)
      elasticsearch.username: Kibana must not connect as the elastic superuser (use kibana_system)"
    `);
  });

  it('role descriptor: rejects unknown privileges', () => {
    expect(message(() => printRoleDescriptor({ cluster: ['all'], indices: [{ names: ['chatops-*'], privileges: ['write'] }] } as never))).toMatch(/^cluster\.0: /);
  });
});

describe('setup-security.sh', () => {
  it('sends passwords to the API in bodies and curl config on stdin, never on the command line', () => {
    const sh = requireBinary('sh');
    using dir = tempDir('elastic-setup-');
    const base = exampleContext('dev');
    const secrets = new SecretStore(dir.path);
    const pw = { ELASTIC: 'el"as\\tic', KIBANA: "kib'ana", LOGSTASH: 'log $tash' };
    for (const [k, v] of Object.entries(pw)) secrets.set({ env: k }, v);
    const ctx: RenderContext = {
      ...base,
      secrets,
      env: { ...base.env, pathPrefix: dir.path, elastic: { ...base.env.elastic, elasticPassword: { env: 'ELASTIC' }, kibanaSystemPassword: { env: 'KIBANA' }, logstashPassword: { env: 'LOGSTASH' } } },
    };
    const es = nodeWithRole(ctx.env, 'elasticsearch');
    const artifacts = elasticsearchRenderer.render(es, ctx).artifacts;
    writeArtifacts(artifacts);
    const bin = join(dir.path, 'bin');
    mkdirSync(bin);
    const log = join(dir.path, 'curl.log');
    // A stand-in curl: records argv, the config it reads on stdin and the body file.
    writeFileSync(
      join(bin, 'curl'),
      `#!/bin/sh\n{ printf 'ARGV %s\\n' "$*"; printf 'CONFIG %s\\n' "$(cat)"; for a in "$@"; do case "$a" in @*) printf 'BODY %s\\n' "$(tr -d '\\n' < "\${a#@}")";; esac; done; } >> ${log}\n`,
      { mode: 0o755 },
    );
    const r = run('/usr/bin/env', [`PATH=${bin}:/usr/bin:/bin`, sh, elasticPaths(ctx.env, es).setupScript]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = readFileSync(log, 'utf8').split('\n');
    for (const l of lines.filter((x) => x.startsWith('ARGV'))) for (const v of Object.values(pw)) expect(l).not.toContain(v);
    expect(lines.filter((l) => l.startsWith('CONFIG'))[0]).toBe('CONFIG user = "elastic:el\\"as\\\\tic"');
    const bodies = lines.filter((l) => l.startsWith('BODY ')).map((l) => JSON.parse(l.slice(5)) as Record<string, unknown>);
    expect(bodies.map((b) => b.password).filter(Boolean)).toEqual([pw.ELASTIC, pw.KIBANA, pw.LOGSTASH]);
    expect(bodies.find((b) => 'indices' in b)).toMatchObject({ indices: [{ names: ['chatops-*'] }] });
    expect(lines.filter((l) => l.startsWith('ARGV')).map((l) => /-X (\S+) .* (https:\S+)$/.exec(l)?.slice(1).join(' '))).toEqual([
      `GET https://${es.address}:${ctx.env.ports.elasticsearch}/_security/_authenticate`,
      `POST https://${es.address}:${ctx.env.ports.elasticsearch}/_security/user/elastic/_password`,
      `POST https://${es.address}:${ctx.env.ports.elasticsearch}/_security/user/kibana_system/_password`,
      `PUT https://${es.address}:${ctx.env.ports.elasticsearch}/_security/role/logstash_writer`,
      `PUT https://${es.address}:${ctx.env.ports.elasticsearch}/_security/user/logstash_writer`,
    ]);
  });
});
