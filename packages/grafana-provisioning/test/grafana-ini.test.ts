import { describe, expect, it } from 'vitest';
import { printGrafanaIni } from '@chatops/grafana-provisioning';
import { catchError } from './_fixtures.js';

const minimal = {
  server: {
    protocol: 'https' as const,
    http_addr: '10.0.0.31',
    http_port: 3000,
    cert_file: '/etc/tls/cert.pem',
    cert_key: '/etc/tls/key.pem',
  },
  security: { admin_password: '$__file{/etc/grafana/secrets/admin-password}' },
};

describe('grafana.ini model', () => {
  it('prints sections in schema order, lists space-separated', () => {
    expect(
      printGrafanaIni({
        'auth.generic_oauth': {
          enabled: true,
          client_id: 'x',
          client_secret: '$__env{GF_OAUTH_SECRET}',
          scopes: ['openid', 'email'],
          auth_url: 'https://iam.example.org/a',
          token_url: 'https://iam.example.org/t',
          api_url: 'https://iam.example.org/u',
        },
        ...minimal,
      }),
    ).toMatchInlineSnapshot(`
      "[server]
      protocol = https
      http_addr = 10.0.0.31
      http_port = 3000
      cert_file = /etc/tls/cert.pem
      cert_key = /etc/tls/key.pem

      [security]
      admin_password = $__file{/etc/grafana/secrets/admin-password}

      [auth.generic_oauth]
      enabled = true
      client_id = x
      client_secret = $__env{GF_OAUTH_SECRET}
      scopes = openid email
      auth_url = https://iam.example.org/a
      token_url = https://iam.example.org/t
      api_url = https://iam.example.org/u
      "
    `);
  });

  it('rejects unknown sections and keys', () => {
    expect(catchError(() => printGrafanaIni({ ...minimal, smtp: { enabled: true } } as never))).toMatchInlineSnapshot(
      `"smtp: unknown key"`,
    );
    expect(catchError(() => printGrafanaIni({ server: { ...minimal.server, http_prot: 3000 } } as never))).toMatchInlineSnapshot(
      `"server.http_prot: unknown key"`,
    );
  });

  it('accepts secrets only by $__file{} or $__env{} reference', () => {
    expect(catchError(() => printGrafanaIni({ security: { admin_password: 'hunter2' } }))).toMatchInlineSnapshot(
      `"security.admin_password: expected a $__file{/absolute/path} or $__env{NAME} reference, never an inline secret value"`,
    );
    expect(catchError(() => printGrafanaIni({ 'auth.generic_oauth': { client_secret: '$__file{relative/path}' } }))).toMatchInlineSnapshot(
      `"auth.generic_oauth.client_secret: expected a $__file{/absolute/path} or $__env{NAME} reference, never an inline secret value"`,
    );
  });

  it('requires a certificate for https and the endpoints for OAuth', () => {
    expect(catchError(() => printGrafanaIni({ server: { protocol: 'https' } }))).toMatchInlineSnapshot(`
      "server.cert_file: required when protocol is https
      server.cert_key: required when protocol is https"
    `);
    expect(
      catchError(() => printGrafanaIni({ 'auth.generic_oauth': { enabled: true, client_id: 'x', auth_url: 'https://a.example.org/' } })),
    ).toMatchInlineSnapshot(`
      "auth.generic_oauth.token_url: required when generic OAuth is enabled
      auth.generic_oauth.api_url: required when generic OAuth is enabled"
    `);
  });

  it('rejects list items Grafana would split, and "$" Grafana would expand', () => {
    expect(catchError(() => printGrafanaIni({ 'auth.generic_oauth': { allowed_groups: ['stfc cloud'] } }))).toMatchInlineSnapshot(
      `"auth.generic_oauth.allowed_groups.0: must not contain spaces, commas, quotes or brackets (Grafana splits list settings on them)"`,
    );
    expect(catchError(() => printGrafanaIni({ 'auth.generic_oauth': { name: 'IAM ${X}' } }))).toMatchInlineSnapshot(
      `"auth.generic_oauth.name: Grafana expands "$" here (environment variables, $__file{}); write "$$" for a literal "$""`,
    );
  });

  it('rejects "%(name)s", which Grafana\'s INI reader would replace with another setting', () => {
    expect(catchError(() => printGrafanaIni({ 'auth.generic_oauth': { name: 'IAM %(app_mode)s' } }))).toMatchInlineSnapshot(
      `"auth.generic_oauth.name: Grafana's INI reader replaces "%(name)s" with the setting called name; it has no escape"`,
    );
    expect(printGrafanaIni({ 'auth.generic_oauth': { name: 'IAM 100% (beta)s' } })).toContain('name = IAM 100% (beta)s');
  });

  it('rejects values that would break the line-based format', () => {
    expect(catchError(() => printGrafanaIni({ 'auth.generic_oauth': { name: 'IRIS\nIAM' } }))).toMatchInlineSnapshot(
      `"auth.generic_oauth.name: must be a single line"`,
    );
  });
});
