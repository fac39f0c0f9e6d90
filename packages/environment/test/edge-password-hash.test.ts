import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@chatops/core';
import { loadEnvironment } from '@chatops/environment';
import { requireBinary } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const EXAMPLES = join(__dirname, '../../../examples/cloud-chatops/environments');
const prodSource = readFileSync(join(EXAMPLES, 'prod.yaml'), 'utf8');
const ADMIN_HASH = 'passwordHash: $2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy';

/** prod.yaml with `edgePasswordHash: <yaml>` under the admin user; the loaded environment or the error lines. */
function load(yamlValue: string): { hash?: string; errors?: string[] } {
  expect(prodSource).toContain(ADMIN_HASH);
  const dir = mkdtempSync(join(tmpdir(), 'env-edge-hash-'));
  try {
    writeFileSync(join(dir, 'prod.yaml'), prodSource.replace(ADMIN_HASH, `${ADMIN_HASH}\n    edgePasswordHash: ${yamlValue}`));
    const { environment } = loadEnvironment('prod.yaml', { cwd: dir, env: {}, resolveSecrets: false });
    return { hash: environment.users.find((u) => u.name === 'admin')?.edgePasswordHash };
  } catch (e) {
    if (e instanceof ConfigError) return { errors: e.message.split('\n') };
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SALT = 'abcdefgh12345678';
const DIGEST = 'x'.repeat(86);

describe('users[].edgePasswordHash (SHA-512-crypt for the HAProxy userlist)', () => {
  it('accepts what openssl passwd -6 prints, and explicit rounds from 5,000 to 999,999', () => {
    const openssl = requireBinary('openssl');
    const generated = execFileSync(openssl, ['passwd', '-6', '-salt', SALT, 'admin-password'], { encoding: 'utf8' }).trim();
    expect(load(generated).hash).toBe(generated);
    for (const rounds of ['5000', '65536', '999999']) {
      const hash = `$6$rounds=${rounds}$${SALT}$${DIGEST}`;
      expect(load(hash).hash, rounds).toBe(hash);
    }
  });

  it('refuses rounds outside 5,000-999,999 and other formats, at the line, without echoing the value', () => {
    const line = prodSource.split('\n').findIndex((l) => l.includes(ADMIN_HASH)) + 2;
    const rounds = 'SHA-512-crypt rounds must be from 5000 to 999999';
    const malformed = 'malformed SHA-512-crypt hash';
    const cases: [string, string][] = [
      [`$6$rounds=1000$${SALT}$${DIGEST}`, rounds],
      [`$6$rounds=1000000$${SALT}$${DIGEST}`, rounds],
      [`$6$rounds=05000$${SALT}$${DIGEST}`, malformed],
      [`$6$short$${DIGEST}`, malformed],
      [`$6$${SALT}$${DIGEST.slice(1)}`, malformed],
      ['$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy', 'expected a SHA-512-crypt hash'],
      ['plaintext-password', 'expected a SHA-512-crypt hash'],
    ];
    for (const [value, message] of cases) {
      const { errors } = load(`'${value}'`);
      expect(errors, value).toHaveLength(1);
      expect(errors?.[0], value).toContain(`prod.yaml:${line}: users.admin.edgePasswordHash: ${message}`);
      expect(errors?.[0], value).not.toContain(value);
    }
  });

  it('refuses a value that would add a line to haproxy.cfg (a newline, a space, a quote)', () => {
    const line = prodSource.split('\n').findIndex((l) => l.includes(ADMIN_HASH)) + 2;
    for (const value of [
      `"$6$${SALT}$${DIGEST}\\n  user evil insecure-password x"`,
      `"$6$${SALT}$${DIGEST} groups admin"`,
      `"\\"$6$${SALT}$${DIGEST}\\""`,
      `"$6$${SALT}$${DIGEST}\\r"`,
    ]) {
      const { errors } = load(value);
      expect(errors, value).toEqual([expect.stringMatching(new RegExp(`^prod\\.yaml:${line}: users\\.admin\\.edgePasswordHash: `))]);
      expect(errors?.join('\n'), value).not.toContain('evil');
    }
  });
});
