import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AlertmanagerConfigInput,
  alertmanagerConfigSchema,
  parseAlertmanagerConfig,
  printAlertmanagerConfig,
} from '@chatops/alertmanager-config';
import { formatMatcherList, matcherMatches, parseMatcher, parseMatchers } from '../src/matchers.js';
import { PkiStore } from '@chatops/pki';
import { printWebConfig } from '@chatops/prometheus-common';
import { errorMessage, requireBinary, run, tempDir } from '@chatops/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleConfig } from './fixtures.js';

const minimal = (over: Partial<AlertmanagerConfigInput> = {}): AlertmanagerConfigInput => ({
  route: { receiver: 'r' },
  receivers: [{ name: 'r', webhook_configs: [{ url: 'http://127.0.0.1:9/x' }] }],
  ...over,
});

describe('matchers', () => {
  it('parses what Alertmanager parses', () => {
    expect(parseMatcher('severity="critical"')).toEqual({ name: 'severity', type: '=', value: 'critical' });
    expect(parseMatcher(' node =~ "a|b" ')).toEqual({ name: 'node', type: '=~', value: 'a|b' });
    expect(parseMatcher('x!=unquoted value')).toEqual({ name: 'x', type: '!=', value: 'unquoted value' });
    expect(parseMatcher('x!="a\\"b\\\\c\\nd\\.e"')).toEqual({ name: 'x', type: '!=', value: 'a"b\\c\nd\\.e' });
    expect(parseMatchers('{a="1", b=~"x,y", c!="}"}').map((m) => m.name)).toEqual(['a', 'b', 'c']);
    expect(formatMatcherList(parseMatchers('{z="1",a!~"q\\"",a="2"}'))).toBe('{a="2",a!~"q\\"",z="1"}');
  });

  it('rejects what Alertmanager rejects', () => {
    expect(errorMessage(() => parseMatcher('severity'))).toMatchInlineSnapshot(`"bad matcher format: severity"`);
    expect(errorMessage(() => parseMatcher('1x="a"'))).toMatchInlineSnapshot(`"bad matcher format: 1x="a""`);
    expect(errorMessage(() => parseMatcher('x="a"b"'))).toMatchInlineSnapshot(`"matcher value contains unescaped double quote: "a"b""`);
    expect(errorMessage(() => parseMatcher('x="abc'))).toMatchInlineSnapshot(`"matcher value contains unescaped double quote: "abc"`);
    expect(errorMessage(() => parseMatcher('x=~"(a"'))).toMatch(/^invalid regular expression "\(a": /);
    expect(errorMessage(() => parseMatcher('x=~"(?=a)"'))).toMatch(/^invalid regular expression/);
  });

  it('matches anchored RE2 expressions, missing labels as empty', () => {
    const m = parseMatcher('node=~"web-[0-9]+"');
    expect(matcherMatches(m, { node: 'web-12' })).toBe(true);
    expect(matcherMatches(m, { node: 'xweb-12' })).toBe(false);
    expect(matcherMatches(parseMatcher('node=""'), {})).toBe(true);
    expect(matcherMatches(parseMatcher('node!~".+"'), {})).toBe(true);
  });

  it('round-trips any value through the printer and the parser (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('=', '!='), (value, op) => {
        const text = `l${op}${JSON.stringify(value)}`;
        const back = parseMatcher(formatMatcherList([{ name: 'l', type: op as '=', value }]).slice(1, -1));
        return back.value === value && parseMatcher(text).value === value;
      }),
    );
  });
});

describe('the native model', () => {
  it('rejects unknown keys, bad matchers, smarthosts and durations with their paths', () => {
    const bad = {
      global: { smtp_smarthost: 'smtp.example.org:$25', smpt_from: 'x' },
      route: { receiver: 'r', group_wait: '10 s', routes: [{ matchers: ['severity=="x"', 'a=~"("'] }] },
      receivers: [{ name: 'r', email_configs: [{ to: 'a@b.c', smarthost: 'mail' }] }],
    };
    expect(errorMessage(() => printAlertmanagerConfig(bad as AlertmanagerConfigInput))).toMatchInlineSnapshot(`
      "global.smtp_smarthost: expected host:port (e.g. smtp.example.org:587)
      global.smpt_from: unknown key
      route.group_wait: expected a duration like 30s, 5m, 1h30m or 30d
      route.routes.0.matchers.0: matcher value contains unescaped double quote: ="x"
      route.routes.0.matchers.1: invalid regular expression "(": error parsing regexp: missing closing ): \`^(?:()$\`
      receivers.r.email_configs.0.smarthost: expected host:port (e.g. smtp.example.org:587)"
    `);
  });

  it('checks references and what Alertmanager refuses at load time', () => {
    const config = minimal({
      global: { smtp_auth_password_file: '/etc/x' },
      route: {
        receiver: 'r',
        matchers: ['a="b"'],
        group_by: ['node', 'node', '...'],
        group_interval: '10m',
        repeat_interval: '5m',
        routes: [{ receiver: 'nope', mute_time_intervals: ['never'] }],
      },
      receivers: [{ name: 'r', email_configs: [{ to: 'ops@example.org' }], slack_configs: [{ channel: '#a' }] }, { name: 'r' }],
      inhibit_rules: [{ source_matchers: ['a="b"'], equal: ['node'] }],
    });
    expect(errorMessage(() => printAlertmanagerConfig(config))).toMatchInlineSnapshot(`
      "receivers.r.name: notification config name "r" is not unique
      route.matchers: root route must not have any matchers
      route.group_by.1: duplicated label "node" in group_by
      route.group_by: cannot have wildcard group_by ('...') and other labels at the same time
      route.repeat_interval: repeat_interval (5m) is shorter than group_interval (10m): repeats would only go out every group_interval
      route.routes.0.receiver: undefined receiver "nope" used in route
      route.routes.0.mute_time_intervals.0: undefined time interval "never" used in route
      global.smtp_auth_username: an SMTP password without smtp_auth_username is never used: Alertmanager only authenticates with a username
      receivers.r.email_configs.0.smarthost: no global SMTP smarthost set
      receivers.r.email_configs.0.from: no global SMTP from set
      receivers.r.slack_configs.0.api_url: no global Slack API URL set
      inhibit_rules.0.target_matchers: inhibit rule has no target matchers: it would mute every alert"
    `);
  });

  it('parses an existing alertmanager.yml with file:line diagnostics', () => {
    const yaml = (matcher: string) =>
      [
        'route:',
        '  receiver: ops',
        '  routes:',
        '    - receiver: pager',
        `      matchers: ['${matcher}']`,
        'receivers:',
        '  - name: ops',
        '',
      ].join('\n');
    expect(errorMessage(() => parseAlertmanagerConfig(yaml('sev=~"("'), 'am.yml'))).toMatchInlineSnapshot(
      `"am.yml:5: route.routes.0.matchers.0: invalid regular expression "(": error parsing regexp: missing closing ): \`^(?:()$\`"`,
    );
    expect(errorMessage(() => parseAlertmanagerConfig(yaml('sev="page"'), 'am.yml'))).toMatchInlineSnapshot(
      `"am.yml:4: route.routes.0.receiver: undefined receiver "pager" used in route"`,
    );
    expect(errorMessage(() => parseAlertmanagerConfig('route: [', 'am.yml'))).toMatchInlineSnapshot(
      `"am.yml:1: unexpected end of the stream within a flow collection in "am.yml" (1:9)"`,
    );
    const text = printAlertmanagerConfig(sampleConfig);
    expect(printAlertmanagerConfig(parseAlertmanagerConfig(text))).toBe(text);
  });

  it('prints the sample config deterministically and amtool accepts it', async () => {
    requireBinary('amtool');
    const text = printAlertmanagerConfig(sampleConfig, { header: 'Sample' });
    expect(printAlertmanagerConfig(alertmanagerConfigSchema.parse(sampleConfig), { header: 'Sample' })).toBe(text);
    await expect(text).toMatchFileSnapshot('./__snapshots__/sample-alertmanager.yml');
    using dir = tempDir('am-model-');
    const file = join(dir.path, 'alertmanager.yml');
    writeFileSync(file, text);
    const r = run('amtool', ['check-config', file]);
    expect(`${r.status} ${r.stdout}${r.stderr}`).toMatch(/^0 .*SUCCESS/s);
  });

  it('validates web.yml: bcrypt only, never without TLS, and promtool accepts what it prints', async () => {
    requireBinary('promtool');
    expect(errorMessage(() => printWebConfig({ basic_auth_users: { admin: 'hunter2' } }))).toMatchInlineSnapshot(
      `"basic_auth_users.admin: expected a bcrypt hash ($2b$...): expected a password hash ($6$, $5$, $2b$ or $y$ crypt format), not a plaintext password"`,
    );
    const admin = '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy';
    expect(errorMessage(() => printWebConfig({ basic_auth_users: { admin } }))).toMatchInlineSnapshot(
      `"basic_auth_users: basic auth without tls_server_config would send passwords in clear"`,
    );
    using dir = tempDir('am-web-');
    const { material } = await new PkiStore(join(dir.path, 'pki')).ensure({ caCommonName: 'test CA', publicDomain: 'am.test' }, [], {
      persist: false,
    });
    writeFileSync(join(dir.path, 'cert.pem'), material.publicCert.cert);
    writeFileSync(join(dir.path, 'key.pem'), material.publicCert.key);
    const text = printWebConfig({
      tls_server_config: { cert_file: join(dir.path, 'cert.pem'), key_file: join(dir.path, 'key.pem'), min_version: 'TLS12' },
      basic_auth_users: { admin },
    });
    const file = join(dir.path, 'web.yml');
    writeFileSync(file, text);
    const r = run('promtool', ['check', 'web-config', file]);
    expect(`${r.status} ${r.stdout}${r.stderr}`).toMatch(/^0 .*SUCCESS/s);
  });
});
