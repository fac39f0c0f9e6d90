import { posix } from 'node:path';
import type { Artifact } from '@chatops/core';
import { nodePath, servicesOn } from '@chatops/environment';
import {
  checkFilebeatFiles,
  filebeatLogstashAgreement,
  filebeatRenderer,
  parseFilebeatConfig,
  parseInputsFile,
} from '@chatops/filebeat-config';
import { FILEBEAT_CONFIG_PATH } from '../src/filebeat-renderer.js';
import { filebeatLogstashCheck } from '../src/logstash-agreement.js';
import { describe, expect, it } from 'vitest';
import { FAKE_CA, exampleContext, filebeatBundles } from './_fixtures.js';

const ENVS = ['prod', 'dev'] as const;
const serviceNames = (inputsFile: string) =>
  parseInputsFile(inputsFile).map((i) => (i.fields as { service: { name: string } }).service.name);

describe.each(ENVS)('%s', (envName) => {
  const ctx = exampleContext(envName);
  const bundles = filebeatBundles(ctx);

  it.each(ctx.env.nodes.map((n) => n.name))('renders golden files for %s', async (nodeName) => {
    const artifacts = bundles.get(nodeName) ?? [];
    for (const a of artifacts.filter((x) => x.path.startsWith('/etc/filebeat/'))) {
      await expect(a.content).toMatchFileSnapshot(`./__snapshots__/${envName}/${nodeName}${a.path}`);
    }
    expect(artifacts.map((a) => `${a.path} ${a.mode} ${a.action} ${a.secret}`)).toMatchSnapshot('artifacts');
  });

  it('ships exactly the logs of the services placed on each node, each tagged with its service', () => {
    for (const node of ctx.env.nodes) {
      const files = (bundles.get(node.name) ?? []).filter((a) => a.path.startsWith('/etc/filebeat/inputs.d/'));
      const shipped = files.flatMap((f) => serviceNames(f.content)).sort();
      const expected = servicesOn(ctx.env, node)
        .filter((s) => s !== 'filebeat')
        .sort();
      expect(shipped, node.name).toEqual(expected);
      for (const f of files) expect(serviceNames(f.content)).toEqual([posix.basename(f.path, '.yml')]);
    }
  });

  it('every node ships to the Logstash node over verified TLS, and agrees with the environment', () => {
    const logstash = ctx.env.nodes.find((n) => n.roles.includes('logstash'));
    for (const node of ctx.env.nodes) {
      const main = bundles.get(node.name)?.find((a) => a.path === FILEBEAT_CONFIG_PATH);
      const config = parseFilebeatConfig(main?.content ?? '');
      // By address: nothing on the nodes resolves internal names; full verification checks the certificate's IP SAN.
      expect(config.output.logstash?.hosts).toEqual([`${logstash?.address}:${ctx.env.ports.logstash}`]);
      expect(config.output.logstash?.ssl).toMatchObject({
        enabled: true,
        verification_mode: 'full',
        certificate_authorities: ['/etc/chatops/tls/ca.pem'],
      });
    }
    expect(filebeatLogstashAgreement.check(ctx, bundles)).toEqual([]);
  });
});

describe('the app containers input', () => {
  it('joins the app multi-line messages after the container parser and keeps only chatops containers', () => {
    const ctx = exampleContext('prod');
    const file = filebeatBundles(ctx)
      .get('chatops-2')
      ?.find((a) => a.path.endsWith('/chatops.yml'));
    const [input] = parseInputsFile(file?.content ?? '');
    expect(input).toMatchObject({
      type: 'filestream',
      paths: ['/var/lib/docker/containers/*/*-json.log'],
      parsers: [
        { container: { format: 'docker' } },
        { multiline: { pattern: String.raw`^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}\]`, negate: true, match: 'after' } },
      ],
      processors: [
        { add_docker_metadata: {} },
        { drop_event: { when: { not: { regexp: { 'container.name': '^(chatops-1|chatops-2)$' } } } } },
      ],
    });
    const pattern = new RegExp((input?.type === 'filestream' && input.parsers?.[1]?.multiline?.pattern) || '$^');
    expect(pattern.test('[2024-01-31 12:00:00,123] INFO in app: started')).toBe(true);
    expect(pattern.test('Traceback (most recent call last):')).toBe(false);
  });

  it('follows a path prefix, shifting where add_docker_metadata finds the container id', () => {
    const ctx = exampleContext('dev');
    const env = { ...ctx.env, pathPrefix: '/tmp/stack/{node}' };
    const node = env.nodes.find((n) => n.name === 'chatops-1');
    if (!node) throw new Error('no chatops-1');
    const artifacts = filebeatRenderer.render(node, { ...ctx, env }).artifacts;
    expect(artifacts.map((a) => a.path)).toContain('/tmp/stack/chatops-1/etc/filebeat/filebeat.yml');
    const inputs = parseInputsFile(artifacts.find((a) => a.path.endsWith('/chatops.yml'))?.content ?? '');
    expect(inputs[0]).toMatchObject({
      paths: ['/tmp/stack/chatops-1/var/lib/docker/containers/*/*-json.log'],
      processors: [{ add_docker_metadata: { match_source_index: 7 } }, {}],
    });
    const config = parseFilebeatConfig(artifacts.find((a) => a.path.endsWith('/filebeat.yml'))?.content ?? '');
    expect(config.filebeat.config?.inputs?.path).toBe('/tmp/stack/chatops-1/etc/filebeat/inputs.d/*.yml');
    expect(config.output.logstash?.ssl?.certificate_authorities).toEqual(['/tmp/stack/chatops-1/etc/chatops/tls/ca.pem']);
  });
});

describe('Filebeat and Logstash must agree', () => {
  const ctx = exampleContext('dev');
  const edit = (bundles: Map<string, Artifact[]>, node: string, path: string, change: (text: string) => string) => {
    const list = bundles.get(node) ?? [];
    bundles.set(
      node,
      list.map((a) => (a.path === path ? { ...a, content: change(a.content) } : a)),
    );
    return bundles;
  };
  const problems = (bundles: Map<string, Artifact[]>) =>
    filebeatLogstashAgreement.check(ctx, bundles).map((d) => `${d.path.join('.')}: ${d.message}`);

  it('on the port', () => {
    const b = edit(filebeatBundles(ctx), 'lb-1', FILEBEAT_CONFIG_PATH, (t) => t.replace(':5044', ':5045'));
    expect(problems(b)).toMatchInlineSnapshot(`
      [
        "nodes.0: filebeat on lb-1: output.logstash.hosts[0] 10.1.0.51:5045: Logstash's beats input listens on port 5044",
      ]
    `);
  });

  it('on the host', () => {
    const b = edit(filebeatBundles(ctx), 'chatops-1', FILEBEAT_CONFIG_PATH, (t) => t.replace('10.1.0.51:', '10.1.0.41:'));
    expect(problems(b)).toMatchInlineSnapshot(`
      [
        "nodes.1: filebeat on chatops-1: output.logstash.hosts[0] 10.1.0.41:5044 is not a Logstash beats input (expected one of elastic-1.internal.dev-cloud-chatops.nubes.rl.ac.uk:5044, elastic-1:5044, 10.1.0.51:5044)",
      ]
    `);
  });

  it('on TLS and its verification', () => {
    const b = edit(filebeatBundles(ctx), 'monitoring-1', FILEBEAT_CONFIG_PATH, (t) =>
      t.replace('enabled: true\n      verification_mode: full', 'enabled: false'),
    );
    edit(b, 'elastic-1', FILEBEAT_CONFIG_PATH, (t) => t.replace('verification_mode: full', 'verification_mode: none'));
    expect(problems(b)).toMatchInlineSnapshot(`
      [
        "nodes.2: filebeat on monitoring-1: output.logstash.ssl is disabled but Logstash's beats input requires TLS",
        "nodes.3: filebeat on elastic-1: output.logstash.ssl.verification_mode is none: the Logstash certificate must be verified (full)",
      ]
    `);
  });

  it('on the client certificate Logstash requires (mutual TLS)', () => {
    const b = edit(filebeatBundles(ctx), 'lb-1', FILEBEAT_CONFIG_PATH, (t) => t.replace(/^ {6}(certificate|key): .*\n/gm, ''));
    expect(problems(b)).toMatchInlineSnapshot(`
      [
        "nodes.0: filebeat on lb-1: output.logstash.ssl has no certificate and key, but Logstash's beats input requires a client certificate",
      ]
    `);
  });

  it('on the CA that signed the Logstash certificate', () => {
    const other = filebeatBundles(exampleContext('dev', FAKE_CA.replace('ZmFr', 'b3Ro')));
    expect(problems(other)).toHaveLength(4);
    expect(problems(other)[0]).toMatchInlineSnapshot(
      `"nodes.0: filebeat on lb-1: CA bundle /etc/chatops/tls/ca.pem is not the CA that signed Logstash's certificate"`,
    );
  });

  it('with a Logstash beats input read from its rendered pipeline', () => {
    const check = filebeatLogstashCheck({
      beatsListeners: () => [{ names: ['elastic-1.internal.dev-cloud-chatops.nubes.rl.ac.uk'], port: 5045, tls: false, caCert: FAKE_CA }],
    });
    expect(
      check
        .check(ctx, filebeatBundles(ctx))
        .slice(0, 1)
        .map((d) => d.message),
    ).toMatchInlineSnapshot(`
      [
        "filebeat on lb-1: output.logstash.hosts[0] 10.1.0.51:5044 is not a Logstash beats input (expected one of elastic-1.internal.dev-cloud-chatops.nubes.rl.ac.uk:5045)",
      ]
    `);
  });

  it('and an input file nobody loads or a duplicate id is caught before rendering', () => {
    const node = ctx.env.nodes[0];
    if (!node) throw new Error('no node');
    const config = parseFilebeatConfig(
      filebeatBundles(ctx)
        .get(node.name)
        ?.find((a) => a.path === FILEBEAT_CONFIG_PATH)?.content ?? '',
    );
    const input = { type: 'journald' as const, id: 'x' };
    expect(
      checkFilebeatFiles({
        config,
        inputFiles: new Map([
          [nodePath(ctx.env, node, '/etc/filebeat/inputs.d/a.yml'), [input]],
          ['/etc/filebeat/other/b.yml', [input]],
        ]),
      }).map((d) => `${d.file}: ${d.path.join('.')}: ${d.message}`),
    ).toMatchInlineSnapshot(`
      [
        "/etc/filebeat/other/b.yml: : input file is not loaded: filebeat.config.inputs.path is /etc/filebeat/inputs.d/*.yml",
        "/etc/filebeat/other/b.yml: 0.id: duplicate input id "x" (also in /etc/filebeat/inputs.d/a.yml)",
      ]
    `);
  });
});
