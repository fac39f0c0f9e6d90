import { validateWebConfig } from '@chatops/prometheus-common';
import { errorMessage as errorOf } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

describe('web.yml', () => {
  it('web.yml accepts only bcrypt hashes and no basic auth without TLS', () => {
    expect(errorOf(() => validateWebConfig({ basic_auth_users: { admin: 'secret' } }))).toMatchInlineSnapshot(
      `"basic_auth_users.admin: expected a bcrypt hash ($2b$...): expected a password hash ($6$, $5$, $2b$ or $y$ crypt format), not a plaintext password"`,
    );
    expect(
      errorOf(() => validateWebConfig({ basic_auth_users: { admin: '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy' } })),
    ).toMatchInlineSnapshot(`"basic_auth_users: basic auth without tls_server_config would send passwords in clear"`);
  });
});

describe('client certificates', () => {
  it('verifying client certificates needs the CA that signs them', () => {
    const tls = { cert_file: '/etc/x/cert.pem', key_file: '/etc/x/key.pem' };
    expect(errorOf(() => validateWebConfig({ tls_server_config: { ...tls, client_auth_type: 'RequireAndVerifyClientCert' } }))).toBe(
      'tls_server_config.client_ca_file: client_auth_type RequireAndVerifyClientCert needs client_ca_file',
    );
    expect(
      validateWebConfig({ tls_server_config: { ...tls, client_auth_type: 'RequireAndVerifyClientCert', client_ca_file: '/etc/x/ca.pem' } }),
    ).toMatchObject({ tls_server_config: { client_ca_file: '/etc/x/ca.pem' } });
  });
});
