import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact } from '@chatops/core';
import { elasticPaths } from '@chatops/elastic-config';
import {
  type NodeSpec,
  certificateId,
  clientCertificate,
  clientCertificateId,
  nodeFqdn,
  nodePath,
  nodeWithRole,
} from '@chatops/environment';
import { PIPELINE_PATH, type Plugin, parsePipeline } from '@chatops/logstash-pipeline';
import { PkiStore } from '@chatops/pki';
import { pkiSettings } from '@chatops/stack';
import { BLACKBOX_PATHS } from '@chatops/units';
import { type RunningProcess, freePorts, renderExample, requireBinary, run, startProcess, tempDir, waitForPort } from '@chatops/testing';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

// No Elasticsearch or Kibana daemon runs here. `openssl s_server -Verify 1 -verify_return_error` with the rendered
// server certificate and CA stands in for their TLS layer under `client_authentication: required`: it completes a
// handshake only with a client certificate that chains to our CA and is valid for client authentication (libssl
// checks the `sslclient` purpose). Each client's certificate and key are the files its rendered config names, read
// from the rendered tree (dev, real PKI).

interface Pair {
  readonly cert: string;
  readonly key?: string;
}

describe('mutual TLS to Elasticsearch and Kibana (dev, real PKI, openssl s_server as the server)', async () => {
  const { ctx, result } = await renderExample('dev');
  const { env } = ctx;
  const es = nodeWithRole(env, 'elasticsearch');
  const kibana = nodeWithRole(env, 'kibana');
  const logstash = nodeWithRole(env, 'logstash');
  const file = (node: NodeSpec, path: string): Artifact => {
    const a = result.bundles.get(node.name)?.find((x) => x.path === path);
    if (!a) throw new Error(`${node.name} has no rendered ${path}`);
    return a;
  };

  /**
   * Starts the stand-in server with the given rendered files and returns a client that connects as curl does, to
   * the server node's name verified against our CA, and tells whether it got an HTTP answer.
   */
  async function standIn(dir: string, server: { node: NodeSpec; cert: string; key: string; ca: string }) {
    const write = (name: string, content: string) => {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    };
    const ca = write('ca.pem', ctx.pki.caCert);
    const [port] = await freePorts(1);
    const process: RunningProcess = startProcess(requireBinary('openssl'), [
      's_server',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      write('server-cert.pem', server.cert),
      '-key',
      write('server-key.pem', server.key),
      '-CAfile',
      write('server-ca.pem', server.ca),
      '-Verify',
      '1',
      '-verify_return_error',
      '-www',
      '-quiet',
    ]);
    await waitForPort('127.0.0.1', port!, { process });
    let n = 0;
    const answers = (content?: { cert: string; key?: string }): boolean => {
      n += 1;
      const pair: Pair | undefined = content && {
        cert: write(`client-${n}-cert.pem`, content.cert),
        ...(content.key ? { key: write(`client-${n}-key.pem`, content.key) } : {}),
      };
      const r = run(requireBinary('curl'), [
        '--silent',
        '--max-time',
        '20',
        '--connect-to',
        `::127.0.0.1:${port}`,
        '--cacert',
        ca,
        ...(pair ? ['--cert', pair.cert, ...(pair.key ? ['--key', pair.key] : [])] : []),
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `https://${nodeFqdn(env, server.node)}:${port}/`,
      ]);
      return r.status === 0 && r.stdout === '200';
    };
    return { answers, [Symbol.asyncDispose]: () => process.stop() };
  }

  /** Refused in the handshake: no certificate, another CA's client leaf, one of our server leaves (serverAuth only). */
  async function expectRefusals(dir: string, answers: (c?: { cert: string; key?: string }) => boolean) {
    const other = (
      await new PkiStore(join(dir, 'other-pki')).ensure(pkiSettings(env), [clientCertificate(env, kibana, 'kibana')], { persist: false })
    ).material.leaf(clientCertificateId(kibana, 'kibana'));
    const serverLeaf = ctx.pki.leaf(certificateId(kibana, 'kibana'));
    expect({
      none: answers(),
      otherCa: answers({ cert: other.cert + other.chain, key: other.key }),
      serverLeaf: answers({ cert: serverLeaf.cert + serverLeaf.chain, key: serverLeaf.key }),
    }).toEqual({ none: false, otherCa: false, serverLeaf: false });
  }

  /** The client files a rendered config names: the client leaf the stack asked for on that node, its key secret. */
  function clientPair(client: string, node: NodeSpec, certPath?: string, keyPath?: string) {
    expect(certPath, client).toMatch(new RegExp(`/${client}-client/cert\\.pem$`));
    expect(keyPath, client).toMatch(new RegExp(`/${client}-client/key\\.pem$`));
    const cert = file(node, certPath!);
    const key = file(node, keyPath!);
    expect(key.secret, client).toBe(true);
    const leaf = ctx.pki.leaf(clientCertificateId(node, client));
    expect(cert.content, client).toBe(leaf.cert + leaf.chain);
    return { cert: cert.content, key: key.content };
  }

  it('Elasticsearch requires our client certificate: Kibana, Logstash and elasticsearch-setup present theirs; none / another CA / a server leaf refused', async () => {
    const esPaths = elasticPaths(env, es);
    // The server side: client certificates required, chained to the CA file rendered next to its certificate.
    const esYml = load(file(es, esPaths.elasticsearchYml).content) as Record<string, unknown>;
    expect(esYml['xpack.security.http.ssl.client_authentication']).toBe('required');
    expect(esYml['xpack.security.http.ssl.certificate_authorities']).toEqual([esPaths.esCa]);

    // Each client's pair, as its rendered configuration names it.
    const kibanaYml = load(file(kibana, elasticPaths(env, kibana).kibanaYml).content) as Record<string, string>;
    // Kibana's scoped clients (the logged-in users' requests) leave the certificate off unless told otherwise.
    expect(kibanaYml['elasticsearch.ssl.alwaysPresentCertificate']).toBe(true);
    const output = parsePipeline(file(logstash, nodePath(env, logstash, PIPELINE_PATH)).content)
      .sections.filter((s) => s.type === 'output')
      .flatMap((s) => s.body)
      .find((p): p is Plugin => p.kind === 'plugin' && p.name === 'elasticsearch');
    const attr = (name: string) => {
      const v = output?.attributes.find((a) => a.name === name)?.value;
      return v?.kind === 'string' ? v.value : undefined;
    };
    const setup = file(es, esPaths.setupScript).content;
    const shellVar = (name: string) => new RegExp(`^${name}='([^']+)'$`, 'm').exec(setup)?.[1];
    expect(setup).toContain('--cert "$cert" --key "$key"');
    const clients = {
      kibana: clientPair('kibana', kibana, kibanaYml['elasticsearch.ssl.certificate'], kibanaYml['elasticsearch.ssl.key']),
      logstash: clientPair('logstash', logstash, attr('ssl_certificate'), attr('ssl_key')),
      'elasticsearch-setup': clientPair('elasticsearch-setup', es, shellVar('cert'), shellVar('key')),
    };

    using dir = tempDir('es-mtls-');
    await using server = await standIn(dir.path, {
      node: es,
      cert: file(es, esPaths.esCert).content,
      key: file(es, esPaths.esKey).content,
      ca: file(es, esPaths.esCa).content,
    });
    expect(Object.fromEntries(Object.entries(clients).map(([k, pair]) => [k, server.answers(pair)]))).toEqual({
      kibana: true,
      logstash: true,
      'elasticsearch-setup': true,
    });
    await expectRefusals(dir.path, server.answers);
  }, 120_000);

  it("Kibana requires our client certificate: HAProxy's route and health check and the blackbox probe present theirs; none / another CA / a server leaf refused", async () => {
    const kibanaYml = load(file(kibana, elasticPaths(env, kibana).kibanaYml).content) as Record<string, unknown>;
    expect(kibanaYml['server.ssl.clientAuthentication']).toBe('required');
    const [caPath] = kibanaYml['server.ssl.certificateAuthorities'] as string[];

    // HAProxy: the `crt` of the kibana backend's server line (also used by its health checks).
    const lb = nodeWithRole(env, 'loadbalancer');
    const cfg = result.bundles.get(lb.name)?.find((a) => a.path.endsWith('/haproxy.cfg'))?.content ?? '';
    const backend = /^backend kibana\n((?:[ \t].*\n?)*)/m.exec(cfg)?.[1] ?? '';
    const server = backend.split('\n').find((l) => l.trim().startsWith('server '));
    expect(server).toMatch(/ check( |$)/);
    const crt = / crt (\S+)/.exec(server ?? '')?.[1];
    const haproxyBundle = file(lb, crt!);
    expect(haproxyBundle.secret).toBe(true);
    // The blackbox exporter's module for the Kibana node's internal listeners.
    const monitoring = nodeWithRole(env, 'prometheus');
    const blackbox = load(file(monitoring, nodePath(env, monitoring, BLACKBOX_PATHS.config)).content) as {
      modules: Record<string, { tcp?: { tls_config?: { cert_file?: string; key_file?: string } } }>;
    };
    const probeTls = blackbox.modules[`internal-${kibana.name}`]?.tcp?.tls_config;
    const clients = {
      haproxy: { cert: haproxyBundle.content },
      'blackbox-exporter': clientPair('blackbox-exporter', monitoring, probeTls?.cert_file, probeTls?.key_file),
    };

    using dir = tempDir('kibana-mtls-');
    await using standin = await standIn(dir.path, {
      node: kibana,
      cert: file(kibana, kibanaYml['server.ssl.certificate'] as string).content,
      key: file(kibana, kibanaYml['server.ssl.key'] as string).content,
      ca: file(kibana, caPath!).content,
    });
    expect(Object.fromEntries(Object.entries(clients).map(([k, pair]) => [k, standin.answers(pair)]))).toEqual({
      haproxy: true,
      'blackbox-exporter': true,
    });
    await expectRefusals(dir.path, standin.answers);
  }, 120_000);
});
