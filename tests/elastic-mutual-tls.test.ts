import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact } from '@chatops/core';
import { elasticPaths } from '@chatops/elastic-config';
import { certificateId, clientCertificate, clientCertificateId, nodeFqdn, nodePath, nodeWithRole } from '@chatops/environment';
import { PIPELINE_PATH, type Plugin, parsePipeline } from '@chatops/logstash-pipeline';
import { PkiStore } from '@chatops/pki';
import { pkiSettings } from '@chatops/stack';
import { freePorts, renderExample, requireBinary, run, startProcess, tempDir, waitForPort } from '@chatops/testing';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

// No Elasticsearch daemon runs here. `openssl s_server -Verify 1 -verify_return_error` with the rendered
// Elasticsearch certificate and our CA stands in for its HTTP layer under
// `xpack.security.http.ssl.client_authentication: required`: it completes a handshake only with a client
// certificate that chains to our CA and is valid for client authentication (libssl checks the `sslclient` purpose).
// Each client's certificate and key are the files its rendered config names, read from the rendered tree.
describe('Elasticsearch requires our client certificate; every client of it presents one (dev, real PKI)', () => {
  it('elasticsearch.yml requires client certificates; Kibana, Logstash and elasticsearch-setup pairs are accepted, none / another CA / a server leaf refused', async () => {
    const { ctx, result } = await renderExample('dev');
    const { env } = ctx;
    const es = nodeWithRole(env, 'elasticsearch');
    const kibana = nodeWithRole(env, 'kibana');
    const logstash = nodeWithRole(env, 'logstash');
    const file = (node: string, path: string): Artifact => {
      const a = result.bundles.get(node)?.find((x) => x.path === path);
      if (!a) throw new Error(`${node} has no rendered ${path}`);
      return a;
    };
    const esPaths = elasticPaths(env, es);

    // The server side: client certificates required, chained to the CA file rendered next to its certificate.
    const esYml = load(file(es.name, esPaths.elasticsearchYml).content) as Record<string, unknown>;
    expect(esYml['xpack.security.http.ssl.client_authentication']).toBe('required');
    expect(esYml['xpack.security.http.ssl.certificate_authorities']).toEqual([esPaths.esCa]);
    expect(file(es.name, esPaths.esCa).content).toBe(ctx.pki.caCert);

    // Each client's pair, as its rendered configuration names it.
    const kibanaYml = load(file(kibana.name, elasticPaths(env, kibana).kibanaYml).content) as Record<string, string>;
    const output = parsePipeline(file(logstash.name, nodePath(env, logstash, PIPELINE_PATH)).content)
      .sections.filter((s) => s.type === 'output')
      .flatMap((s) => s.body)
      .find((p): p is Plugin => p.kind === 'plugin' && p.name === 'elasticsearch');
    const attr = (name: string) => {
      const v = output?.attributes.find((a) => a.name === name)?.value;
      return v?.kind === 'string' ? v.value : undefined;
    };
    const setup = file(es.name, esPaths.setupScript).content;
    const shellVar = (name: string) => new RegExp(`^${name}='([^']+)'$`, 'm').exec(setup)?.[1];
    expect(setup).toContain('--cert "$cert" --key "$key"');
    const clients = [
      { client: 'kibana', node: kibana, cert: kibanaYml['elasticsearch.ssl.certificate'], key: kibanaYml['elasticsearch.ssl.key'] },
      { client: 'logstash', node: logstash, cert: attr('ssl_certificate'), key: attr('ssl_key') },
      { client: 'elasticsearch-setup', node: es, cert: shellVar('cert'), key: shellVar('key') },
    ];

    using dir = tempDir('es-mtls-');
    const write = (name: string, content: string) => {
      const path = join(dir.path, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    };
    const ca = write('ca.pem', ctx.pki.caCert);
    const [port] = await freePorts(1);
    await using server = startProcess(requireBinary('openssl'), [
      's_server',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      write('es-cert.pem', file(es.name, esPaths.esCert).content),
      '-key',
      write('es-key.pem', file(es.name, esPaths.esKey).content),
      '-CAfile',
      ca,
      '-Verify',
      '1',
      '-verify_return_error',
      '-www',
      '-quiet',
    ]);
    await waitForPort('127.0.0.1', port!, { process: server });

    // curl as the clients connect: to Elasticsearch's name, verified against our CA.
    const url = `https://${nodeFqdn(env, es)}:${port}/`;
    const get = (pair?: { cert: string; key: string }) =>
      run(requireBinary('curl'), [
        '--silent',
        '--show-error',
        '--max-time',
        '20',
        '--connect-to',
        `::127.0.0.1:${port}`,
        '--cacert',
        ca,
        ...(pair ? ['--cert', pair.cert, '--key', pair.key] : []),
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        url,
      ]);

    for (const c of clients) {
      expect(c.cert, c.client).toMatch(new RegExp(`/${c.client}-client/cert\\.pem$`));
      expect(c.key, c.client).toMatch(new RegExp(`/${c.client}-client/key\\.pem$`));
      const cert = file(c.node.name, c.cert!);
      const key = file(c.node.name, c.key!);
      expect(key.secret, c.client).toBe(true);
      // The files are the client leaf the stack asked for on that node (clientAuth only).
      const leaf = ctx.pki.leaf(clientCertificateId(c.node, c.client));
      expect(cert.content, c.client).toBe(leaf.cert + leaf.chain);
      const pair = { cert: write(`${c.client}-cert.pem`, cert.content), key: write(`${c.client}-key.pem`, key.content) };
      const r = get(pair);
      expect({ client: c.client, status: r.status, code: r.stdout }).toEqual({ client: c.client, status: 0, code: '200' });
    }

    // Refused in the handshake: no certificate, another CA's client leaf, one of our server leaves (serverAuth only).
    const other = (
      await new PkiStore(join(dir.path, 'other-pki')).ensure(pkiSettings(env), [clientCertificate(env, kibana, 'kibana')], {
        persist: false,
      })
    ).material.leaf(clientCertificateId(kibana, 'kibana'));
    const serverLeaf = ctx.pki.leaf(certificateId(kibana, 'kibana'));
    for (const [what, pair] of [
      ['no certificate', undefined],
      ['another CA', { cert: write('other-cert.pem', other.cert + other.chain), key: write('other-key.pem', other.key) }],
      [
        'a server leaf',
        { cert: write('server-cert.pem', serverLeaf.cert + serverLeaf.chain), key: write('server-key.pem', serverLeaf.key) },
      ],
    ] as const) {
      const r = get(pair);
      expect({ what, refused: r.status !== 0 && r.stdout !== '200' }).toEqual({ what, refused: true });
    }
  }, 120_000);
});
