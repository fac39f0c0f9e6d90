import { port } from '@chatops/core';
import { z } from 'zod';
import { absoluteFile, identifier, time, token } from './_common.js';

const syslogFacility = z.enum([
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'auth2',
  'ftp',
  'ntp',
  'audit',
  'alert',
  'cron2',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
]);
const syslogLevel = z.enum(['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']);

/** `log <target> [format <fmt>] <facility> [<level> [<minlevel>]]` */
export const logTargetSchema = z.strictObject({
  /** `/dev/log`, `127.0.0.1:514`, `stdout`... */
  target: token,
  /** Syslog header format; `raw` sends the bare message (for stdout captured by journald). @default 'rfc3164' */
  format: z.enum(['rfc3164', 'rfc5424', 'short', 'raw', 'iso', 'local', 'timed', 'priority']).optional(),
  facility: syslogFacility,
  /** Highest level sent. @default all */
  level: syslogLevel.optional(),
  /** Lowest level sent. @default all */
  minLevel: syslogLevel.optional(),
});

/** `stats socket <path> [mode] [group] [level] [expose-fd listeners]`: the runtime API. */
export const statsSocketSchema = z.strictObject({
  path: absoluteFile,
  /** Octal permissions of the socket file, e.g. `660`. @default inherited (HAProxy's own default is tcp) */
  mode: z
    .string()
    .regex(/^[0-7]{3}$/, { message: 'expected an octal mode like 660' })
    .optional(),
  /** Group owning the socket file (HAProxy creates it as root before dropping privileges). @default root's */
  group: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]*$/, { message: 'expected a system group name' })
    .optional(),
  /** @default 'operator' */
  level: z.enum(['user', 'operator', 'admin']).optional(),
  /** Hand listening sockets to a new process on reload (seamless reloads). @default false */
  exposeFdListeners: z.boolean().optional(),
});

const cipherList = z.string().regex(/^[A-Za-z0-9_:+!.-]+$/, { message: 'expected an OpenSSL cipher list (no blanks)' });
const sslOptions = z.array(
  z.string().regex(/^(ssl-(min|max)-ver TLSv1\.[0-3]|no-(sslv3|tlsv1[0-3]|tls-tickets)|prefer-client-ciphers|force-tlsv1[0-3])$/, {
    message: 'expected an SSL option such as "ssl-min-ver TLSv1.2", "no-tls-tickets" or "prefer-client-ciphers"',
  }),
);

/** The `global` section. */
export const globalSchema = z.strictObject({
  /** Log targets. @default [] */
  log: z.array(logTargetSchema).default([]),
  /** Directory HAProxy chroots into after start. @default none */
  chroot: absoluteFile.optional(),
  /** User to run as after start. @default the starting user */
  user: identifier.optional(),
  /** Group to run as after start. @default the starting group */
  group: identifier.optional(),
  /** Fork into the background (not under systemd's `-Ws`). @default false */
  daemon: z.boolean().optional(),
  /** Concurrent connection limit. @default unlimited (global maxconn applies) */
  maxconn: z.number().int().min(1).optional(),
  /** @default none */
  pidfile: absoluteFile.optional(),
  /** Runtime API sockets. @default [] */
  statsSockets: z.array(statsSocketSchema).default([]),
  /** Idle timeout of runtime API sessions. @default 10s */
  statsTimeout: time.optional(),
  /** Seconds old processes may keep serving after a reload. @default unlimited */
  hardStopAfter: time.optional(),
  /** @default OpenSSL's defaults */
  sslDefaultBindCiphers: cipherList.optional(),
  /** @default OpenSSL's defaults */
  sslDefaultBindCiphersuites: cipherList.optional(),
  /** @default none */
  sslDefaultBindOptions: sslOptions.optional(),
  /** @default OpenSSL's defaults */
  sslDefaultServerCiphers: cipherList.optional(),
  /** @default OpenSSL's defaults */
  sslDefaultServerCiphersuites: cipherList.optional(),
  /** @default none */
  sslDefaultServerOptions: sslOptions.optional(),
  /** @default 'required' (HAProxy's own default) */
  sslServerVerify: z.enum(['required', 'none']).optional(),
  /** `tune.ssl.default-dh-param` bits for DHE ciphers. @default 2048 */
  tuneSslDefaultDhParam: z.union([z.literal(1024), z.literal(2048), z.literal(3072), z.literal(4096)]).optional(),
});
export type Global = z.output<typeof globalSchema>;
export type GlobalInput = z.input<typeof globalSchema>;

/** One user of a userlist; `password` is a crypt(3) hash printed bare (double quotes would expand its `$`). */
export const userlistUserSchema = z.strictObject({
  name: identifier,
  /** crypt(3) hash: `$6$` (sha512-crypt), `$5$`, `$2b$` (bcrypt) or `$y$` (yescrypt). Checked before printing. */
  password: z.string().min(1),
  /** @default [] */
  groups: z.array(identifier).default([]),
});

/** `userlist <name>`: users (hashed passwords) for `http_auth()`. */
export const userlistSchema = z.strictObject({
  name: identifier,
  /** @default [] */
  groups: z.array(identifier).default([]),
  users: z.array(userlistUserSchema).min(1),
});
export type Userlist = z.output<typeof userlistSchema>;
export type UserlistInput = z.input<typeof userlistSchema>;

/** `resolvers <name>`: DNS servers for run-time address resolution. */
export const resolversSchema = z.strictObject({
  name: identifier,
  /** @default [] */
  nameservers: z
    .array(z.strictObject({ name: identifier, address: z.string().regex(/^[0-9A-Fa-f:.]+$/), port: port.default(53) }))
    .default([]),
  /** Also use /etc/resolv.conf's nameservers. @default false */
  parseResolvConf: z.boolean().optional(),
  /** @default 3 */
  resolveRetries: z.number().int().min(1).optional(),
  /** @default 1s */
  timeoutResolve: time.optional(),
  /** @default 1s */
  timeoutRetry: time.optional(),
  /** @default 10s */
  holdValid: time.optional(),
  /** @default 512 */
  acceptedPayloadSize: z.number().int().min(512).max(65535).optional(),
});
export type Resolvers = z.output<typeof resolversSchema>;

/** `http-errors <name>`: error pages referenced by `errorfiles <name>`. */
export const httpErrorsSchema = z.strictObject({
  name: identifier,
  errorfiles: z.array(z.strictObject({ status: z.number().int().min(200).max(599), file: absoluteFile })).min(1),
});
export type HttpErrors = z.output<typeof httpErrorsSchema>;

/** `cache <name>`: a small shared response cache (`http-request cache-use` / `http-response cache-store`). */
export const cacheSchema = z.strictObject({
  name: identifier,
  /** Megabytes. */
  totalMaxSize: z.number().int().min(1).max(4095),
  /** Bytes. @default totalMaxSize / 256 */
  maxObjectSize: z.number().int().min(1).optional(),
  /** Seconds. @default 60 */
  maxAge: z.number().int().min(0).optional(),
  /** Honour `Vary`. @default false */
  processVary: z.boolean().optional(),
});
export type Cache = z.output<typeof cacheSchema>;
