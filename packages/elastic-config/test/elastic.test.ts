import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { createServer } from 'node:https';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SecretStore } from '@chatops/core';
import { type RenderContext, certificateId, nodeWithRole } from '@chatops/environment';
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
import { describeArtifacts, errorMessage, exampleContext, freePorts, renderAll, requireBinary, tempDir } from '@chatops/testing';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const message = errorMessage;
const execFileAsync = promisify(execFile);

describe.each(['prod', 'dev'] as const)('%s', (name) => {
  it('renders the Elastic node golden, and nothing elsewhere', async () => {
    const ctx = exampleContext(name);
    const bundles = renderAll(ctx, [elasticsearchRenderer, kibanaRenderer]);
    const es = nodeWithRole(ctx.env, 'elasticsearch');
    for (const node of ctx.env.nodes) if (node !== es) expect(bundles.get(node.name)).toEqual([]);
    await expect(describeArtifacts(bundles.get(es.name)!, { skipContentOf: /\.(pem|crt)$/ })).toMatchFileSnapshot(
      `./__snapshots__/${name}-${es.name}.txt`,
    );
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
    'cluster.name': 'c',
    'node.name': 'n',
    'path.data': '/d',
    'path.logs': '/l',
    'network.host': '10.0.0.1',
    'http.port': 9200,
    'xpack.security.enabled': true,
  } as const;
  it('elasticsearch.yml: rejects unknown settings and security without TLS', () => {
    expect(
      message(() =>
        printElasticsearchYml({
          ...base,
          'xpack.security.http.ssl.enabled': true,
          'xpack.security.transport.ssl.enabled': true,
          'cluster.nmae': 'x',
        } as never),
      ),
    ).toMatchInlineSnapshot(`
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
      'server.host': '10.0.0.1',
      'server.port': 5601,
      'server.publicBaseUrl': 'https://kibana.example.org',
      'server.ssl.enabled': false,
      'elasticsearch.hosts': ['https://10.0.0.1:9200'],
      'elasticsearch.username': 'kibana_system',
      'elasticsearch.ssl.certificateAuthorities': ['/ca.pem'],
      'elasticsearch.ssl.verificationMode': 'full',
    };
    expect(message(() => printKibanaYml({ ...kb, 'elasticsearch.password': 'changeme' } as never))).toMatchInlineSnapshot(
      `"elasticsearch.password: unknown key"`,
    );
    expect(
      message(() => printKibanaYml({ ...kb, 'elasticsearch.hosts': ['http://10.0.0.1:9200'], 'elasticsearch.username': 'elastic' })),
    ).toMatchInlineSnapshot(`
      "elasticsearch.hosts.0: expected an https:// URL (no plaintext hop)
      elasticsearch.username: Kibana must not connect as the elastic superuser (use kibana_system)"
    `);
  });

  it('role descriptor: rejects unknown privileges', () => {
    expect(
      message(() => printRoleDescriptor({ cluster: ['all'], indices: [{ names: ['chatops-*'], privileges: ['write'] }] } as never)),
    ).toMatch(/^cluster\.0: /);
  });
});

describe('setup-security.sh against a recording stand-in of the Elasticsearch API (real curl, real TLS)', () => {
  const pw = { ELASTIC: 'el"as\\tic', KIBANA: "kib'ana", LOGSTASH: 'log $tash' };

  /** Renders the Elastic node under a temp root, starts the stand-in API with the node's certificate, runs the script. */
  async function runSetup(dir: string, state: { elastic: string; applied?: string }) {
    const base = exampleContext('dev');
    const secrets = new SecretStore(dir);
    for (const [k, v] of Object.entries(pw)) secrets.set({ env: k }, v);
    // The fixture's certificates are issued for 127.0.0.1, so the Elastic node lives there.
    const nodes = base.env.nodes.map((n) => (n.roles.includes('elasticsearch') ? { ...n, address: '127.0.0.1' } : n));
    const ctx: RenderContext = {
      ...base,
      secrets,
      env: {
        ...base.env,
        nodes,
        pathPrefix: dir,
        elastic: {
          ...base.env.elastic,
          elasticPassword: { env: 'ELASTIC' },
          kibanaSystemPassword: { env: 'KIBANA' },
          logstashPassword: { env: 'LOGSTASH' },
        },
      },
    };
    const es = nodeWithRole(ctx.env, 'elasticsearch');
    const paths = elasticPaths(ctx.env, es);
    writeArtifacts(elasticsearchRenderer.render(es, ctx).artifacts);
    if (state.applied !== undefined) {
      mkdirSync(dirname(paths.appliedElasticPassword), { recursive: true });
      writeFileSync(paths.appliedElasticPassword, `${state.applied}\n`);
    }
    // The fixture's fixed leaf is self-signed: trust it where the script looks for our CA.
    const leaf = ctx.pki.leaf(certificateId(es, 'elasticsearch'));
    writeFileSync(paths.esCa, leaf.cert);
    const requests: { method: string; path: string; user: string; body: Record<string, unknown> }[] = [];
    // Stand-in for Elasticsearch's security API: requires a client certificate from our CA (as
    // xpack.security.http.ssl.client_authentication: required does), checks the elastic user's password, lets it be
    // changed, records the rest.
    const server = createServer(
      { cert: leaf.cert + leaf.chain, key: leaf.key, ca: leaf.cert, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          const [user, password] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
            .toString()
            .split(/:(.*)/s);
          if (user !== 'elastic' || password !== state.elastic) return res.writeHead(401).end('{}');
          const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
          requests.push({ method: req.method!, path: req.url!, user, body });
          if (req.url === '/_security/user/elastic/_password') state.elastic = String(body.password);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      },
    );
    const [port] = await freePorts(1);
    await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
    try {
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      const log = join(dir, 'argv.log');
      // Wraps the real curl: records its command line and sends the connection to the stand-in (TLS still
      // verifies the node's name against our CA).
      writeFileSync(
        join(bin, 'curl'),
        `#!/bin/sh\nprintf '%s\\n' "$*" >> ${log}\nexec ${requireBinary('curl')} --connect-to ::127.0.0.1:${port} "$@"\n`,
        { mode: 0o755 },
      );
      const r = await execFileAsync('/usr/bin/env', [`PATH=${bin}:/usr/bin:/bin`, requireBinary('sh'), paths.setupScript], {
        encoding: 'utf8',
      });
      return { ...r, requests, argv: readFileSync(log, 'utf8'), paths, url: `https://${es.address}:${ctx.env.ports.elasticsearch}` };
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  }

  it('sets users, the narrow writer role, retention policy and index template; passwords only in bodies and curl config on stdin', async () => {
    using dir = tempDir('elastic-setup-');
    const r = await runSetup(dir.path, { elastic: pw.ELASTIC });
    expect(r.stderr).toBe('');
    for (const v of Object.values(pw)) expect(r.argv).not.toContain(v);
    expect(r.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /_security/_authenticate',
      'POST /_security/user/kibana_system/_password',
      'PUT /_security/role/logstash_writer',
      'PUT /_security/user/logstash_writer',
      'PUT /_ilm/policy/chatops-logs',
      'PUT /_index_template/chatops-logs',
    ]);
    expect(r.requests.map((q) => q.body.password).filter(Boolean)).toEqual([pw.KIBANA, pw.LOGSTASH]);
    expect(r.requests[2]!.body).toEqual({
      cluster: ['monitor'],
      indices: [{ names: ['chatops-*'], privileges: ['create_index', 'index'] }],
    });
    expect(r.requests[4]!.body).toEqual({
      policy: { phases: { hot: { actions: {} }, delete: { min_age: '30d', actions: { delete: {} } } } },
    });
    expect(r.requests[5]!.body).toMatchObject({
      index_patterns: ['chatops-*'],
      template: { settings: { number_of_replicas: 0, 'index.lifecycle.name': 'chatops-logs' } },
    });
    expect(readFileSync(r.paths.appliedElasticPassword, 'utf8')).toBe(`${pw.ELASTIC}\n`);
  });

  it('rotates a changed elastic password through the API with the previously applied one (bootstrap.password no longer counts)', async () => {
    using dir = tempDir('elastic-rotate-');
    const state = { elastic: 'the-old-password', applied: 'the-old-password' };
    const r = await runSetup(dir.path, state);
    expect(r.stdout).toBe('rotated the elastic password\n');
    expect(state.elastic).toBe(pw.ELASTIC);
    // The new password is refused (401, not recorded), the recorded old one works and changes it, then the new one works.
    expect(r.requests.slice(0, 3).map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /_security/_authenticate',
      'POST /_security/user/elastic/_password',
      'GET /_security/_authenticate',
    ]);
    expect(r.requests[1]!.body).toEqual({ password: pw.ELASTIC });
    expect(r.requests.at(-1)?.path).toBe('/_index_template/chatops-logs');
    expect(readFileSync(r.paths.appliedElasticPassword, 'utf8')).toBe(`${pw.ELASTIC}\n`);
  });
});
