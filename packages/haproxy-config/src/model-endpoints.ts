import { port } from '@chatops/core';
import { z } from 'zod';
import { absoluteFile, alpnList, identifier, time, tlsVersion, token } from './_common.js';

const cipherList = z.string().regex(/^[A-Za-z0-9_:+!.-]+$/, { message: 'expected an OpenSSL cipher list (no blanks)' });

/** TLS termination options of a `bind` line. */
export const bindSslSchema = z.strictObject({
  /** Certificate bundles (PEM: certificate, key, chain); one `crt` each. */
  crt: z.array(absoluteFile).min(1),
  /** `alpn` protocols, in preference order. @default none (HTTP/1.1 only) */
  alpn: alpnList.optional(),
  /** TLS <= 1.2 cipher list. @default the global `ssl-default-bind-ciphers` */
  ciphers: cipherList.optional(),
  /** TLS 1.3 cipher suites. @default the global `ssl-default-bind-ciphersuites` */
  ciphersuites: cipherList.optional(),
  /** ECDHE groups offered, in preference order (`curves`), e.g. `X25519:prime256v1:secp384r1`. @default OpenSSL's */
  curves: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(:[A-Za-z0-9_-]+)*$/, { message: 'expected curve names separated by colons' })
    .optional(),
  /** @default the global setting */
  minVersion: tlsVersion.optional(),
  /** @default the global setting */
  maxVersion: tlsVersion.optional(),
  /** CA file to verify client certificates with. @default none */
  caFile: absoluteFile.optional(),
  /** Client certificate verification. @default 'none' */
  verify: z.enum(['none', 'optional', 'required']).optional(),
  /** Refuse handshakes whose SNI matches no certificate. @default false */
  strictSni: z.boolean().optional(),
  /** Disable TLS session tickets on this bind. @default false */
  noTlsTickets: z.boolean().optional(),
});
export type BindSsl = z.output<typeof bindSslSchema>;

/** `bind <address>:<port> [ssl ...]` */
export const bindSchema = z.strictObject({
  /** IPv4/IPv6 address, or `*` / `` for every address. */
  address: z.string().regex(/^(\*|[0-9A-Fa-f:.]*)$/, { message: 'expected an IP address, "*" or ""' }),
  port: port,
  /** TLS options. @default plain TCP/HTTP */
  ssl: bindSslSchema.optional(),
  /** Listener name (shown in stats and logs). @default none */
  name: identifier.optional(),
  /** Expect the PROXY protocol header. @default false */
  acceptProxy: z.boolean().optional(),
});
export type Bind = z.output<typeof bindSchema>;
export type BindInput = z.input<typeof bindSchema>;

/**
 * TLS from HAProxy to a server. The safe form verifies the server: `verify: 'required'` with a `caFile` and an
 * explicit `sni` (HAProxy before 3.3 sends no SNI unless told). Opting out takes `verify: 'none'` *and*
 * `insecure: true`, and the printer flags the line with a comment.
 */
export const serverSslSchema = z.strictObject({
  /** @default 'required' */
  verify: z.enum(['required', 'none']).default('required'),
  /** CA bundle the server's certificate must chain to. @default none */
  caFile: absoluteFile.optional(),
  /** SNI sample expression, e.g. `str(node-1.internal.example.org)`. @default none (required when verifying) */
  sni: token.optional(),
  /** Name the certificate must carry. @default the SNI value */
  verifyhost: token.optional(),
  /** `alpn` offered to the server. Set it explicitly: defaults differ between HAProxy versions. @default none (HTTP/1.1 only) */
  alpn: alpnList.optional(),
  /** Client certificate bundle presented to the server (mutual TLS). @default none */
  crt: absoluteFile.optional(),
  /** @default the global setting */
  minVersion: tlsVersion.optional(),
  /** SNI sent by health checks (health checks have no request to take `sni` from). @default none */
  checkSni: token.optional(),
  /** `check-alpn` for health checks. @default the server's `alpn` */
  checkAlpn: alpnList.optional(),
  /** Explicit, visible opt-out of certificate verification; required together with `verify: 'none'`. @default false */
  insecure: z.boolean().optional(),
});
export type ServerSsl = z.output<typeof serverSslSchema>;
export type ServerSslInput = z.input<typeof serverSslSchema>;

/** `server <name> <address>:<port> [options]` */
export const serverSchema = z.strictObject({
  name: identifier,
  /** IP address, or a host name (which then needs `initAddr` with `none`, or resolvers). */
  address: z.string().regex(/^[A-Za-z0-9_.:-]+$/, { message: 'expected an IP address or host name' }),
  /** @default the client's destination port */
  port: port.optional(),
  /** TLS options. @default plain TCP/HTTP */
  ssl: serverSslSchema.optional(),
  /** Health checks on. @default false */
  check: z.boolean().optional(),
  /** Interval between checks. @default 2s */
  inter: time.optional(),
  /** Consecutive failed checks that mark the server down. @default 3 */
  fall: z.number().int().min(1).optional(),
  /** Consecutive successful checks that mark the server up. @default 2 */
  rise: z.number().int().min(1).optional(),
  /** @default 1 */
  weight: z.number().int().min(0).max(256).optional(),
  /** Only used when every non-backup server is down. @default false */
  backup: z.boolean().optional(),
  /** Concurrent connection limit. @default unlimited (global maxconn applies) */
  maxconn: z.number().int().min(1).optional(),
  /** `init-addr` methods in order, e.g. `['last', 'libc', 'none']`, or IP addresses. @default ['last', 'libc'] */
  initAddr: z
    .array(z.union([z.enum(['last', 'libc', 'none']), z.string().regex(/^[0-9A-Fa-f:.]+$/)]))
    .min(1)
    .optional(),
  /** A `resolvers` section that keeps the address up to date. @default none */
  resolvers: identifier.optional(),
  /** Start in maintenance. @default false */
  disabled: z.boolean().optional(),
});
export type Server = z.output<typeof serverSchema>;
export type ServerInput = z.input<typeof serverSchema>;

/** Options common to every server of a backend (`default-server`). Only non-TLS knobs, to keep TLS explicit per server. */
export const defaultServerSchema = z.strictObject({
  /** Interval between checks. @default 2s */
  inter: time.optional(),
  /** Failed checks that mark a server down. @default 3 */
  fall: z.number().int().min(1).optional(),
  /** Successful checks that mark a server up. @default 2 */
  rise: z.number().int().min(1).optional(),
  /** Concurrent connection limit. @default unlimited (global maxconn applies) */
  maxconn: z.number().int().min(1).optional(),
  /** `init-addr` methods in order, or IP addresses. @default ['last', 'libc'] */
  initAddr: z
    .array(z.union([z.enum(['last', 'libc', 'none']), z.string().regex(/^[0-9A-Fa-f:.]+$/)]))
    .min(1)
    .optional(),
  /** A `resolvers` section that keeps the address up to date. @default none */
  resolvers: identifier.optional(),
});
export type DefaultServer = z.output<typeof defaultServerSchema>;
