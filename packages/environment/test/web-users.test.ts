import { webUsers } from '@chatops/environment';
import { errorMessage, exampleContext } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const { env } = exampleContext('prod');

describe('webUsers', () => {
  it('lists the users, then the service accounts asked for', () => {
    const names = Object.keys(webUsers(env, ['grafana', 'prometheus']));
    expect(names).toEqual([...env.users.map((u) => u.name), env.serviceAccounts.grafana.name, env.serviceAccounts.prometheus.name]);
    expect(Object.keys(webUsers(env, ['prometheus']))).not.toContain(env.serviceAccounts.grafana.name);
  });

  it('refuses a hash exporter-toolkit cannot check and an account named like a user (environments built in code)', () => {
    const user = env.users[0]!;
    const bad = {
      ...env,
      users: [{ ...user, passwordHash: `$6$salt$${'a'.repeat(86)}` }],
      serviceAccounts: { ...env.serviceAccounts, prometheus: { ...env.serviceAccounts.prometheus, name: user.name } },
    };
    expect(errorMessage(() => webUsers(bad, ['prometheus']))).toMatchInlineSnapshot(`
      "users.0.passwordHash: user admin: Prometheus and Alertmanager accept only bcrypt hashes ($2b$), found sha512crypt (htpasswd -nbB admin <password> makes one)
      serviceAccounts.prometheus.name: service account admin clashes with a user of the same name"
    `);
  });
});
