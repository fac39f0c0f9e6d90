import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@chatops/core';
import { type Catalogue, loadEnvironment } from '@chatops/environment';
import { describe, expect, it } from 'vitest';

const EXAMPLES = join(__dirname, '../../../examples/cloud-chatops/environments');
const prodSource = readFileSync(join(EXAMPLES, 'prod.yaml'), 'utf8');

/** Loads `source` as prod.yaml (with `others` beside it) in a scratch dir; returns the error lines. */
function errorsOf(source: string, others: Record<string, string> = {}, services?: Catalogue): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'env-safety-'));
  writeFileSync(join(dir, 'prod.yaml'), source);
  for (const [name, text] of Object.entries(others)) writeFileSync(join(dir, name), text);
  try {
    loadEnvironment('prod.yaml', { cwd: dir, env: {}, ...(services ? { services } : {}) });
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected the environment to be rejected');
}

// Issue #12: values that no output format can carry are refused where they are written, with file:line: path.
describe('values that cannot be written safely are refused at load time', () => {
  it('an onNode path with a newline (it injected ExecStartPre= into the Logstash drop-in)', () => {
    const source = prodSource.replace(
      'logstashPassword: { onNode: /etc/chatops/secrets/logstash-writer-password }',
      `logstashPassword: { onNode: "/etc/chatops/secrets/lw\\nExecStartPre=/bin/sh -c 'touch /tmp/pwned'" }`,
    );
    expect(errorsOf(source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:107: elastic.logstashPassword.onNode: expected an absolute path of letters, digits and / . _ - + @ , : ~; found a newline",
      ]
    `);
  });

  it("Grafana's OAuth fields: what grafana.ini cannot carry is refused at its own line, not by the Grafana renderer", () => {
    const source = prodSource
      .replace('scopes: [openid, profile, email, offline_access]', 'scopes: ["]%openid", profile, email, offline_access]')
      .replace('allowedGroups: [stfc-cloud]', 'allowedGroups: ["stfc cloud"]')
      .replace('name: IRIS IAM', 'name: IRIS $IAM')
      .replace('apiUrl: https://iris-iam.stfc.ac.uk/userinfo', 'apiUrl: https://iris-iam.stfc.ac.uk/userinfo?x=${HOME}');
    expect(errorsOf(source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:62: grafana.oauth.name: Grafana expands "$" in grafana.ini (environment variables, $__env{}, $__file{}): a value it reads cannot hold "$"",
        "prod.yaml:67: grafana.oauth.apiUrl: Grafana expands "$" in grafana.ini (environment variables, $__env{}, $__file{}): a value it reads cannot hold "$"",
        "prod.yaml:68: grafana.oauth.scopes.0: expected a word without spaces, commas, quotes, brackets or "$" (Grafana splits list settings at spaces and commas, and expands "$")",
        "prod.yaml:70: grafana.oauth.allowedGroups.0: expected a word without spaces, commas, quotes, brackets or "$" (Grafana splits list settings at spaces and commas, and expands "$")",
      ]
    `);
  });

  it('an onNode path with a space, and a data path with a space', () => {
    const source = prodSource
      .replace('{ onNode: /etc/chatops/secrets/github-token }', '{ onNode: "/etc/chatops/secrets/github token" }')
      .replace('evaluationInterval: 15s', 'evaluationInterval: 15s\n  dataPath: /var/lib/prometheus data');
    expect(errorsOf(source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:96: chatops.secrets.GITHUB_TOKEN.onNode: expected an absolute path of letters, digits and / . _ - + @ , : ~; found a space",
        "prod.yaml:102: prometheus.dataPath: expected an absolute path of letters, digits and / . _ - + @ , : ~; found a space",
      ]
    `);
  });

  it('a pathPrefix with a newline, a % or a line separator', () => {
    const with_ = (prefix: string) => prodSource.replace('domain: cloud', `pathPrefix: ${JSON.stringify(prefix)}\ndomain: cloud`);
    expect([
      ...errorsOf(with_('/srv/{node}\nx')),
      ...errorsOf(with_('/srv/50%')),
      ...errorsOf(with_('/srv/a\u2028b')),
    ]).toMatchInlineSnapshot(`
      [
        "prod.yaml:6: pathPrefix: expected an absolute path of letters, digits and / . _ - + @ , : ~; found a newline",
        "prod.yaml:6: pathPrefix: expected an absolute path of letters, digits and / . _ - + @ , : ~; found "%"",
        "prod.yaml:6: pathPrefix: expected an absolute path of letters, digits and / . _ - + @ , : ~; found U+2028",
      ]
    `);
  });
});

describe('no field but chatops.config holds a line break or control character', () => {
  it('half of a surrogate pair (not Unicode text: UTF-8 cannot carry it, Node writes U+FFFD instead) is refused too', () => {
    expect(errorsOf(prodSource.replace('name: IRIS IAM', 'name: "IRIS \\uD800IAM"'))).toMatchInlineSnapshot(`
      [
        "prod.yaml:62: grafana.oauth.name: a value must be Unicode text (found half of a surrogate pair)",
      ]
    `);
  });

  it('is refused at load time, located', () => {
    expect(
      errorsOf(
        prodSource
          .replace('name: IRIS IAM', 'name: "IRIS\\nIAM"')
          .replace('clientId: cloud-chatops-grafana', 'clientId: "cloud-chatops\\u2028grafana"'),
      ),
    ).toMatchInlineSnapshot(`
      [
        "prod.yaml:62: grafana.oauth.name: a value must be a single line without control characters",
        "prod.yaml:63: grafana.oauth.clientId: a value must be a single line without control characters",
      ]
    `);
  });
});

describe('the schema accepts only what the stack renders', () => {
  it('refuses IPv6 node addresses, crypt hashes for users, zero intervals', () => {
    const source = prodSource
      .replace('address: 10.0.0.10', 'address: "fd00::10"')
      .replace(
        'passwordHash: $2b$10$CmrfqWqRG.oV2HX/5oIg6eqDnICJof1XMYrEFrX58GtxlGP4koVQG',
        `passwordHash: '$6$saltsalt$${'a'.repeat(86)}'`,
      )
      .replace('repeatInterval: 3h', 'repeatInterval: 0s');
    expect(errorsOf(source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:10: nodes.lb-1.address: IPv6 node addresses are not supported yet (HAProxy servers, scrape targets and Beats hosts are rendered as address:port): use an IPv4 address",
        "prod.yaml:84: alerting.repeatInterval: expected a duration longer than 0s",
      ]
    `);
    // The hash rule runs after the schema passes: alone, it is reported with the user named.
    expect(
      errorsOf(
        prodSource.replace(
          'passwordHash: $2b$10$CmrfqWqRG.oV2HX/5oIg6eqDnICJof1XMYrEFrX58GtxlGP4koVQG',
          `passwordHash: '$6$saltsalt$${'a'.repeat(86)}'`,
        ),
      ),
    ).toMatchInlineSnapshot(`
      [
        "prod.yaml:46: users.ops.passwordHash: user ops: Prometheus and Alertmanager accept only bcrypt hashes ($2b$), found sha512crypt (htpasswd -nbB ops <password> makes one)",
      ]
    `);
  });

  it('range-checks derived ports, names (the longest public host of the catalogue) and certificate lifetimes', () => {
    const route = (subdomain: string) => () => ({ subdomain, auth: true, healthPath: '/', expect: { status: '200' }, servers: [] });
    const services: Catalogue = [
      { service: 'grafana', runsOn: ['grafana'], route: route('grafana') },
      { service: 'alertmanager', runsOn: ['alertmanager'], route: route('alertmanager') },
    ];
    const source = prodSource
      .replace('domain: cloud-chatops.nubes.rl.ac.uk', `domain: ${Array.from({ length: 4 }, () => 'a'.repeat(60)).join('.')}`)
      .replace('prometheus:\n  retention', 'ports:\n  chatopsLocal: 65535\nprometheus:\n  retention')
      .replace(
        'organization: STFC Cloud',
        'organization: STFC Cloud\n    leafValidityDays: 400\n    renewBeforeDays: 400\n    caValidityDays: 365',
      );
    expect(errorsOf(source, {}, services)).toMatchInlineSnapshot(`
      [
        "prod.yaml:6: domain: 256 characters once prefixed with alertmanager. (at most 253): use a domain of at most 240",
        "prod.yaml:6: domain: node name prometheus-1.internal.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa would be 265 characters (at most 253)",
        "prod.yaml:6: domain: the public certificate's common name is the domain: 243 characters (X.509 allows 64)",
        "prod.yaml:41: tls.internal.leafValidityDays: leafValidityDays (400 days) is longer than caValidityDays (365): a certificate may not outlive its CA",
        "prod.yaml:42: tls.internal.renewBeforeDays: renewBeforeDays (400 days) is not shorter than leafValidityDays (400): every certificate would be re-issued on every render",
        "prod.yaml:102: ports.chatopsLocal: with 2 instances per node the last instance would use port 65536 (ports.chatopsLocal is 65535: at most 65534 here)",
      ]
    `);
  });
});

describe('messages that used to mislead', () => {
  it('an environment named after a file whose name is not a name (a file "...yaml" made out/.. the output directory)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-safety-'));
    writeFileSync(join(dir, '...yaml'), prodSource);
    expect(() => loadEnvironment('...yaml', { cwd: dir, env: {} })).toThrowErrorMatchingInlineSnapshot(
      `[ConfigError: ...yaml:1: the environment is named after its file, "..": expected a lower-case name of letters, digits and hyphens; rename the file or set name:]`,
    );
    writeFileSync(join(dir, '...yaml'), `name: prod\n${prodSource}`);
    expect(loadEnvironment('...yaml', { cwd: dir, env: {} }).environment.name).toBe('prod');
  });

  it('CA subject names longer than X.509 allows (64 characters)', () => {
    const longName = `name: ${'n'.repeat(60)}\n${prodSource.replace('    commonName: ChatOps prod internal CA\n', '')}`;
    expect(errorsOf(longName)).toMatchInlineSnapshot(`
      [
        "prod.yaml:1: name: the CA's default common name "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn internal CA" is 72 characters (X.509 allows 64): set tls.internal.commonName",
      ]
    `);
    expect(errorsOf(prodSource.replace('commonName: ChatOps prod internal CA', `commonName: ${'x'.repeat(65)}`))).toMatchInlineSnapshot(`
      [
        "prod.yaml:39: tls.internal.commonName: expected at most 64 characters (the X.509 limit of a common name)",
      ]
    `);
  });

  it('extends: a cycle and a missing target are reported at the extends: line', () => {
    expect(errorsOf('domain: x.org\nextends: ./base.yaml\n', { 'base.yaml': 'extends: ./prod.yaml\n' })).toMatchInlineSnapshot(`
      [
        "base.yaml:1: extends: extends cycle: prod.yaml -> base.yaml -> prod.yaml",
      ]
    `);
    expect(errorsOf('# comment\nextends: ./missing.yaml\n')).toMatchInlineSnapshot(`
      [
        "prod.yaml:2: extends: missing.yaml: file not found",
      ]
    `);
  });

  it('a node named ".", an MD5-crypt hash, keyBits 1024, a YAML merge key', () => {
    const source = prodSource
      .replace('name: lb-1', 'name: "."')
      .replace(
        'passwordHash: $2b$10$CmrfqWqRG.oV2HX/5oIg6eqDnICJof1XMYrEFrX58GtxlGP4koVQG',
        'passwordHash: $1$saltsalt$qjXMvbEw8oaL.CzflDugX/',
      )
      .replace('organization: STFC Cloud', 'organization: STFC Cloud\n    keyBits: 1024')
      .replace('prometheus:\n  retention', 'prometheus:\n  <<: { retention: 30d }\n  retention');
    expect(errorsOf(source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:9: nodes.0.name: expected a lower-case name of letters, digits and hyphens",
        "prod.yaml:41: tls.internal.keyBits: expected an RSA key size of 2048, 3072 or 4096 bits",
        "prod.yaml:47: users.ops.passwordHash: MD5-crypt hashes are too weak and not accepted: use bcrypt ($2b$, e.g. htpasswd -nbB user password)",
        "prod.yaml:100: prometheus.<<: unknown key: YAML 1.2 has no merge keys (<<), so this is an ordinary key here; repeat the values, or put shared settings in a base file and use extends:",
      ]
    `);
  });
  it('a mapping key its record refuses names the rule it breaks (zod\'s own message is "Invalid key in record")', () => {
    const source = prodSource
      .replace('    GITHUB_TOKEN: {', '    GITHUB-TOKEN: {')
      .replace('  evaluationInterval: 15s', '  evaluationInterval: 15s\n  alertFor: { "Node Down": 5m }');
    expect(errorsOf(source)).toMatchInlineSnapshot(`
      [
        "prod.yaml:96: chatops.secrets.GITHUB-TOKEN: this key is not allowed: expected a variable name: ASCII letters, digits and _, not starting with a digit",
        "prod.yaml:102: prometheus.alertFor.Node Down: this key is not allowed: expected an alert name such as NodeDown",
      ]
    `);
  });
  it('a value that comes through a YAML alias, a default, or a secret reference is located where it is written', () => {
    // roleGroups.Admin is an alias of a block list: its bad item is reported at the line inside the anchored list.
    const aliased = prodSource.replace(
      '    allowedGroups: [stfc-cloud]',
      '    allowedGroups: &groups\n      - stfc-cloud\n      - stfc$cloud\n    roleGroups:\n      Admin: *groups',
    );
    expect(errorsOf(aliased)).toMatchInlineSnapshot(`
      [
        "prod.yaml:72: grafana.oauth.allowedGroups.1: expected a word without spaces, commas, quotes, brackets or "$" (Grafana splits list settings at spaces and commas, and expands "$")",
        "prod.yaml:72: grafana.oauth.roleGroups.Admin.1: expected a group name without quotes, backslashes, spaces, commas, brackets or "$"",
      ]
    `);
    // A rule between two fields, one of them a default: reported at the one the file sets, naming the default.
    expect(
      errorsOf(prodSource.replace('organization: STFC Cloud', 'organization: STFC Cloud\n    leafValidityDays: 20')),
    ).toMatchInlineSnapshot(`
      [
        "prod.yaml:41: tls.internal.leafValidityDays: renewBeforeDays (30 days) is not shorter than leafValidityDays (20): every certificate would be re-issued on every render",
      ]
    `);
    // A secret that cannot be read: at the line of the variable's name (block style here).
    expect(
      errorsOf(
        prodSource.replace('  secretKey: { onNode: /etc/chatops/secrets/grafana-secret-key }', '  secretKey:\n    file: missing-key'),
      ),
    ).toMatchInlineSnapshot(`
      [
        "prod.yaml:61: grafana.secretKey: cannot read secret file missing-key: ENOENT",
      ]
    `);
  });
});
