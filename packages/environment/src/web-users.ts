import { ConfigError, type Diagnostic, isBcrypt, passwordHashFormat } from '@chatops/core';
import type { Environment } from './environment.js';
import type { User } from './schema.js';

type AccountKey = keyof Environment['serviceAccounts'];

/** Why a user's hash cannot log in to Prometheus and Alertmanager (exporter-toolkit takes bcrypt only), if it cannot. */
export function webUserHashProblem(user: User, index: number): Diagnostic | undefined {
  if (isBcrypt(user.passwordHash)) return undefined;
  const found = passwordHashFormat(user.passwordHash) ?? 'another format';
  return {
    path: ['users', index, 'passwordHash'],
    message: `user ${user.name}: Prometheus and Alertmanager accept only bcrypt hashes ($2b$), found ${found} (htpasswd -nbB ${user.name} <password> makes one)`,
  };
}

/**
 * The basic-auth users of an exporter-toolkit web config (Prometheus, Alertmanager): every user of the
 * environment, then the given service accounts, as name -> bcrypt hash. The loader refuses the same problems;
 * this also covers environments built in code.
 */
export function webUsers(env: Environment, accounts: readonly AccountKey[]): Record<string, string> {
  const problems: Diagnostic[] = [];
  const users: Record<string, string> = {};
  env.users.forEach((u, i) => {
    const problem = webUserHashProblem(u, i);
    if (problem) problems.push(problem);
    users[u.name] = u.passwordHash;
  });
  for (const key of accounts) {
    const account = env.serviceAccounts[key];
    if (Object.hasOwn(users, account.name)) {
      problems.push({
        path: ['serviceAccounts', key, 'name'],
        message: `service account ${account.name} clashes with a user of the same name`,
      });
    }
    users[account.name] = account.passwordHash;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return users;
}
