import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@chatops/core';
import { type Catalogue, chatopsInstances, loadEnvironment, nodePath } from '@chatops/environment';
import { describe, expect, it } from 'vitest';

const EXAMPLES = join(__dirname, '../../../examples/cloud-chatops/environments');
const prodSource = readFileSync(join(EXAMPLES, 'prod.yaml'), 'utf8');

/** Loads `source` written as `name` in a scratch dir; returns the error lines, paths relative to the dir. */
function errorsOf(name: string, source: string, env: Record<string, string> = {}, services?: Catalogue): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'env-test-'));
  writeFileSync(join(dir, name), source);
  try {
    loadEnvironment(name, { cwd: dir, env, ...(services ? { services } : {}) });
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected the environment to be rejected');
}

describe('example environments', () => {
  it('loads prod with the layout of the real deployment and its defaults', () => {
    const { environment: env } = loadEnvironment(join(EXAMPLES, 'prod.yaml'));
    expect(env.name).toBe('prod');
    expect(env.internalDomain).toBe('internal.cloud-chatops.nubes.rl.ac.uk');
    expect(env.nodes.map((n) => n.name)).toEqual([
      'lb-1',
      'chatops-1',
      'chatops-2',
      'chatops-3',
      'grafana-1',
      'grafana-2',
      'prometheus-1',
      'elastic-1',
    ]);
    expect(env.ports).toMatchObject({
      grafana: 3000,
      chatops: 3000,
      cadvisor: 8080,
      prometheus: 9090,
      alertmanager: 9093,
      logstash: 5044,
      kibana: 5601,
      elasticsearch: 9200,
      haproxyMetrics: 8405,
      systemdExporter: 9558,
      nodeExporter: 9100,
    });
    expect(env.prometheus).toEqual({
      retention: '30d',
      retentionSize: '20GB',
      scrapeInterval: '15s',
      evaluationInterval: '15s',
      dataPath: '/var/lib/prometheus/metrics2',
      alertFor: {},
    });
    expect(chatopsInstances(env)).toHaveLength(6);
  });

  it('loads dev as an override of prod', () => {
    const { environment: env, files } = loadEnvironment(join(EXAMPLES, 'dev.yaml'));
    expect(files.map((f) => f.split('/').pop())).toEqual(['dev.yaml', 'prod.yaml']);
    expect(env.domain).toBe('dev-cloud-chatops.nubes.rl.ac.uk');
    expect(env.tls.public).toEqual({ mode: 'self-signed' });
    expect(env.nodes).toHaveLength(4);
    expect(env.grafana.oauth.name).toBe('IRIS IAM'); // inherited
    expect(env.grafana.oauth.clientSecret).toEqual({ file: '../secrets/dev/grafana-oauth-client-secret' }); // replaced, not merged
  });

  it('re-roots paths per node', () => {
    const { environment } = loadEnvironment(join(EXAMPLES, 'prod.yaml'));
    expect(nodePath(environment, 'lb-1', '/etc/haproxy/haproxy.cfg')).toBe('/etc/haproxy/haproxy.cfg');
    expect(nodePath({ ...environment, pathPrefix: '/tmp/s/{node}' }, 'lb-1', '/etc/haproxy/haproxy.cfg')).toBe(
      '/tmp/s/lb-1/etc/haproxy/haproxy.cfg',
    );
  });
});

describe('bad input', () => {
  it('reports broken YAML with line and column', () => {
    expect(errorsOf('prod.yaml', 'domain: x\nnodes: [\n  - a\n')).toMatchInlineSnapshot(`
      [
        "prod.yaml:3:3: invalid YAML: missed comma between flow collection entries",
      ]
    `);
  });

  it('reports an unknown key, a wrong type, a duplicate address and a plaintext password with file:line and path', () => {
    const source = prodSource
      .replace('domain: cloud-chatops.nubes.rl.ac.uk', 'domain: cloud-chatops.nubes.rl.ac.uk\ndomian: typo.example')
      .replace('instancesPerNode: 2', 'instancesPerNode: two')
      .replace('passwordHash: $2b$10$CmrfqWqRG.oV2HX/5oIg6eqDnICJof1XMYrEFrX58GtxlGP4koVQG', 'passwordHash: hunter2');
    expect(errorsOf('prod.yaml', source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:7: domian: unknown key",
        "prod.yaml:47: users.ops.passwordHash: expected a password hash ($6$, $5$, $2b$ or $y$ crypt format), not a plaintext password",
        "prod.yaml:89: chatops.instancesPerNode: expected number, received string",
      ]
    `);
  });

  it('refuses several Grafana nodes on SQLite (each its own users and sessions), and a postgres database without host or password', () => {
    const sqlite = prodSource.replace(/^ {2}database: .*\n/m, '');
    expect(errorsOf('prod.yaml', sqlite)).toMatchInlineSnapshot(`
      [
        "prod.yaml:58: grafana.database: 2 Grafana nodes (grafana-1, grafana-2) would each keep their own SQLite database (users, sessions and API tokens diverging, a failover logging everyone out): give them a shared one (grafana.database: { type: postgres, host, password }) or place grafana on one node",
      ]
    `);
    const incomplete = prodSource.replace(/^ {2}database: .*$/m, '  database: { type: postgres }');
    expect(errorsOf('prod.yaml', incomplete)).toMatchInlineSnapshot(`
      [
        "prod.yaml:71: grafana.database.host: required when type is postgres",
        "prod.yaml:71: grafana.database.password: required when type is postgres",
      ]
    `);
    const mixed = prodSource.replace(/^ {2}database: .*$/m, '  database: { type: sqlite3, host: 10.0.0.60:5432 }');
    expect(errorsOf('prod.yaml', mixed)).toMatchInlineSnapshot(`
      [
        "prod.yaml:71: grafana.database.host: only for type postgres",
      ]
    `);
  });

  it('reports duplicate node addresses and missing roles after the schema passes', () => {
    const source = prodSource
      .replace('address: 10.0.0.22', 'address: 10.0.0.21')
      .replace('roles: [elasticsearch, kibana, logstash]', 'roles: [elasticsearch, kibana]');
    expect(errorsOf('prod.yaml', source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:8: nodes: no node has the required role logstash",
        "prod.yaml:16: nodes.chatops-2.address: duplicate node address 10.0.0.21 (also used by chatops-1)",
      ]
    `);
  });

  it('reports two services sharing a port on one node (the listeners of the catalogue it is loaded with)', () => {
    const source = prodSource
      .replace('roles: [prometheus, alertmanager]', 'roles: [prometheus, alertmanager, grafana]')
      .replace('prometheus:\n  retention', 'ports:\n  grafana: 9090\nprometheus:\n  retention');
    const services: Catalogue = [
      { service: 'grafana', runsOn: ['grafana'], listeners: (e) => [{ port: e.ports.grafana }] },
      { service: 'prometheus', runsOn: ['prometheus'], listeners: (e) => [{ port: e.ports.prometheus }] },
    ];
    expect(() => errorsOf('prod.yaml', source)).toThrow('expected the environment to be rejected');
    expect(errorsOf('prod.yaml', source, {}, services)).toMatchInlineSnapshot(`
      [
        "prod.yaml:27: nodes.prometheus-1: port 9090 is used by both grafana and prometheus on node prometheus-1",
      ]
    `);
  });

  it('reports the same mistakes in TOML', () => {
    const toml = [
      'domain = "cloud-chatops.nubes.rl.ac.uk"',
      'colour = "blue"',
      '[[nodes]]',
      'name = "lb-1"',
      'address = "lb.example"',
      'roles = ["loadbalancer"]',
      '[[users]]',
      'name = "admin"',
      'passwordHash = "secret"',
      '',
    ].join('\n');
    expect(errorsOf('prod.toml', toml).slice(0, 4)).toMatchInlineSnapshot(`
      [
        "prod.toml:2: colour: unknown key",
        "prod.toml:5: nodes.lb-1.address: expected an IPv4 address",
        "prod.toml:9: users.admin.passwordHash: expected a password hash ($6$, $5$, $2b$ or $y$ crypt format), not a plaintext password",
        "prod.toml: tls: required object is missing",
      ]
    `);
    expect(errorsOf('prod.toml', 'domain = "x"\nnodes = [\n')).toMatchInlineSnapshot(`
      [
        "prod.toml:3:1: invalid TOML: Unterminated inline array",
      ]
    `);
  });

  it('names the variable of a secret that is not set, never a value', () => {
    const source = prodSource.replace(
      'webhookUrl: { onNode: /etc/chatops/secrets/slack-webhook-url }',
      'webhookUrl: { env: SLACK_WEBHOOK_URL }',
    );
    expect(errorsOf('prod.yaml', source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:75: alerting.slack.webhookUrl: environment variable SLACK_WEBHOOK_URL is not set",
      ]
    `);
  });

  it('rejects a secret reference with two sources', () => {
    const source = prodSource.replace(
      '{ onNode: /etc/chatops/secrets/github-token }',
      '{ onNode: /etc/chatops/secrets/github-token, env: GITHUB_TOKEN }',
    );
    expect(errorsOf('prod.yaml', source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:96: chatops.secrets.GITHUB_TOKEN: expected a secret reference: exactly one of { env: NAME }, { file: path } or { onNode: /abs/path }",
      ]
    `);
  });

  it('loads JSON and reports an extends cycle', () => {
    expect(errorsOf('a.json', '{"extends": "./a.json"}')).toMatchInlineSnapshot(`
      [
        "a.json:1: extends: extends cycle: a.json -> a.json",
      ]
    `);
  });
});

describe('values a consumer would mangle', () => {
  it('refuses a Grafana datasource password with "$" (Grafana expands it even inside $__file{} values)', () => {
    const source = prodSource.replace(
      'password: { onNode: /etc/chatops/secrets/grafana-datasource-password }',
      'password: { env: DS_PASSWORD }',
    );
    expect(errorsOf('prod.yaml', source, { DS_PASSWORD: 'pa$$word' })).toMatchInlineSnapshot(`
      [
        "prod.yaml:51: serviceAccounts.grafana.password: contains "$", which Grafana expands in provisioning files even in $__file{} values (the password would silently change); choose one without "$"",
      ]
    `);
    expect(() => errorsOf('prod.yaml', source, { DS_PASSWORD: 'password' })).toThrow('expected the environment to be rejected');
  });

  it('refuses a refresh token without the offline_access scope INDIGO IAM needs to issue one', () => {
    const source = prodSource.replace('scopes: [openid, profile, email, offline_access]', 'scopes: [openid, profile, email]');
    expect(errorsOf('prod.yaml', source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:68: grafana.oauth.scopes: refreshToken needs the offline_access scope (INDIGO IAM issues no refresh token without it); add offline_access or set refreshToken: false",
      ]
    `);
  });
});
