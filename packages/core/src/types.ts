import { isIP } from 'node:net';
import { z } from 'zod';

/** RFC 1123 host name (labels of letters, digits and hyphens), optionally fully qualified. */
export const hostname = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, {
    message: 'expected a host name (letters, digits, hyphens and dots)',
  });

export const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'expected an IP address' });

export const port = z.number({ message: 'expected a port number' }).int().min(1).max(65535);

/** Prometheus-style duration: `15s`, `5m`, `1h30m`, `30d`, `1y`, `500ms`. */
export const durationPattern = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;
export const duration = z
  .string()
  .regex(durationPattern, { message: 'expected a duration like 30s, 5m, 1h30m or 30d' })
  .refine((v) => v !== '' && v !== '0', { message: 'expected a non-empty duration' });

/** Converts a duration string to milliseconds. */
export function durationMs(value: string): number {
  const m = durationPattern.exec(value);
  if (!m || value === '') throw new Error(`not a duration: ${value}`);
  const n = (i: number) => Number(m[i] ?? 0);
  return ((((n(2) * 365 + n(4) * 7 + n(6)) * 24 + n(8)) * 60 + n(10)) * 60 + n(12)) * 1000 + n(14);
}

/** `host:port` where host is a host name, IPv4 address or bracketed IPv6 address. */
const HOST_PORT_MESSAGE = 'expected host:port (e.g. smtp.example.org:587)';
export const hostPort = z
  .string()
  // The pattern gives JSON Schema users a first check; `abort` keeps the refinement from repeating the error.
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[^:[\]\s]+):\d{1,5}$/, { message: HOST_PORT_MESSAGE, abort: true })
  .refine(
    (v) => {
      const m = /^(\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(v);
      if (!m) return false;
      const host = m[2] ?? m[3] ?? '';
      const p = Number(m[4]);
      const hostOk = m[2] !== undefined ? isIP(host) === 6 : isIP(host) === 4 || hostname.safeParse(host).success;
      return hostOk && p >= 1 && p <= 65535;
    },
    { message: HOST_PORT_MESSAGE },
  );

/** Octal file mode as a string: `0644`. */
export const fileMode = z.string().regex(/^0[0-7]{3}$/, { message: "expected an octal mode string like '0644'" });

/** Line breaks of any kind and other control characters. */
const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;

/** An absolute path without `..` or control characters (native models, whose printers quote what they need). */
export const absolutePath = z
  .string()
  .regex(/^\//, { message: 'expected an absolute path', abort: true })
  .refine((v) => !CONTROL.test(v), {
    error: (issue) => `a path must not hold control characters; ${describeUnsafe(String(issue.input), (ch) => CONTROL.test(ch))}`,
    abort: true,
  })
  .refine((v) => !v.split('/').includes('..'), { message: 'path must not contain ..' });

/**
 * Characters a path from an environment file may hold. Such paths reach unit files, environment files, shell
 * scripts, YAML, INI and command lines, some of which split at white space or expand `%`, `$` and quotes; so they
 * are kept to the characters every one of them takes literally.
 */
export const PATH_CHARACTERS = 'letters, digits and / . _ - + @ , : ~';
const PORTABLE_PATH = /^\/[A-Za-z0-9/._+@,:~-]*$/;

/** An absolute path every output format takes literally: no `..`, white space, quotes, `$`, `%`, `\\` or control characters. */
export const portablePath = z
  .string()
  .regex(PORTABLE_PATH, {
    error: (issue) =>
      String(issue.input).startsWith('/')
        ? `expected an absolute path of ${PATH_CHARACTERS}; ${describeUnsafe(String(issue.input))}`
        : 'expected an absolute path',
    abort: true,
  })
  .refine((v) => !v.split('/').includes('..'), { message: 'path must not contain ..' });

/** Names the first character a path may not hold, readably (`a space`, `a newline`, `U+2028`). */
export function describeUnsafe(value: string, unsafe: (ch: string) => boolean = (ch) => !/^[A-Za-z0-9/._+@,:~-]$/.test(ch)): string {
  const c = [...value].find(unsafe) ?? '';
  const names: Record<string, string> = { ' ': 'a space', '\n': 'a newline', '\r': 'a carriage return', '\t': 'a tab', '\0': 'a NUL byte' };
  const shown =
    names[c] ?? (/[\p{L}\p{N}\p{P}\p{S}]/u.test(c) ? `"${c}"` : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return `found ${shown}`;
}

export const email = z.email({ message: 'expected an e-mail address' });

const B64 = '[./A-Za-z0-9]';
/** crypt(3) hash formats accepted for passwords: sha512-crypt, sha256-crypt, bcrypt, yescrypt. */
export const passwordHashPatterns = {
  sha512crypt: new RegExp(`^\\$6\\$(rounds=\\d{4,9}\\$)?${B64}{1,16}\\$${B64}{86}$`),
  sha256crypt: new RegExp(`^\\$5\\$(rounds=\\d{4,9}\\$)?${B64}{1,16}\\$${B64}{43}$`),
  bcrypt: new RegExp(`^\\$2[aby]\\$(0[4-9]|[12]\\d|3[01])\\$${B64}{53}$`),
  yescrypt: new RegExp(`^\\$y\\$${B64}+\\$${B64}{1,86}\\$${B64}{43}$`),
} as const;

export type PasswordHashFormat = keyof typeof passwordHashPatterns;

export function passwordHashFormat(value: string): PasswordHashFormat | undefined {
  for (const [name, re] of Object.entries(passwordHashPatterns)) if (re.test(value)) return name as PasswordHashFormat;
  return undefined;
}

export function isBcrypt(value: string): boolean {
  return passwordHashPatterns.bcrypt.test(value);
}

function hashMessage(value: string): string {
  if (/^\$(1|apr1|md5)\$/.test(value))
    return 'MD5-crypt hashes are too weak and not accepted: use bcrypt ($2b$, e.g. htpasswd -nbB user password)';
  if (/^\$(6|5|2[aby]|y)\$/.test(value)) return 'malformed password hash (wrong length or characters for its format)';
  return 'expected a password hash ($6$, $5$, $2b$ or $y$ crypt format), not a plaintext password';
}

const anyHash = new RegExp(
  Object.values(passwordHashPatterns)
    .map((re) => `(${re.source})`)
    .join('|'),
);

/** A crypt(3) password hash; plaintext and malformed hashes are rejected (haproxy -c would accept them). */
export const passwordHash = z.string().regex(anyHash, { error: (issue) => hashMessage(String(issue.input)) });

/** A bcrypt hash, the only format Prometheus and Alertmanager web configs accept. */
export const bcryptHash = z
  .string()
  .regex(passwordHashPatterns.bcrypt, { error: (issue) => `expected a bcrypt hash ($2b$...): ${hashMessage(String(issue.input))}` });

/** Rounds an edge SHA-512-crypt hash may use: glibc's default (5,000) up to 999,999. */
export const EDGE_HASH_ROUNDS = { min: 5_000, max: 999_999 } as const;

/**
 * A SHA-512-crypt hash for HAProxy's userlist: `$6$<salt>$<hash>` (5,000 rounds, what `openssl passwd -6`
 * prints) or `$6$rounds=<N>$<salt>$<hash>` with N from 5,000 to 999,999 written without leading zeros (what
 * `mkpasswd -m sha-512 -R N` prints); salt of 8 to 16 characters.
 */
export const SHA512_CRYPT_EDGE = new RegExp(`^\\$6\\$(rounds=([5-9]\\d{3}|[1-9]\\d{4,5})\\$)?${B64}{8,16}\\$${B64}{86}$`);

function edgeHashMessage(value: string): string {
  const rounds = /^\$6\$rounds=(\d{1,12})\$/.exec(value)?.[1];
  if (rounds !== undefined && !/^0/.test(rounds) && (Number(rounds) < EDGE_HASH_ROUNDS.min || Number(rounds) > EDGE_HASH_ROUNDS.max))
    return `SHA-512-crypt rounds must be from ${EDGE_HASH_ROUNDS.min} to ${EDGE_HASH_ROUNDS.max} (fewer make each guess cheaper, more cost HAProxy that much CPU on every request)`;
  if (/^\$6\$/.test(value))
    return 'malformed SHA-512-crypt hash: expected $6$<salt>$<86 characters> or $6$rounds=<N>$<salt>$<86 characters>, salt of 8 to 16 characters of [./A-Za-z0-9] (openssl passwd -6)';
  return 'expected a SHA-512-crypt hash ($6$..., from openssl passwd -6 or mkpasswd -m sha-512 -R <rounds>)';
}

/** The edge userlist's own hash of a user's password: SHA-512-crypt, `SHA512_CRYPT_EDGE`. */
export const sha512CryptEdgeHash = z.string().regex(SHA512_CRYPT_EDGE, { error: (issue) => edgeHashMessage(String(issue.input)) });

/** Prometheus/Alertmanager label name. */
export const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'expected a label name ([a-zA-Z_][a-zA-Z0-9_]*)' });
