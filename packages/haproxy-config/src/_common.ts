import { z } from 'zod';

/** Names HAProxy accepts for proxies, servers, ACLs, userlists and other sections. */
export const identifier = z.string().regex(/^[A-Za-z0-9_.:-]+$/, { message: 'expected a name of letters, digits, "-", "_", "." and ":"' });

/** HAProxy time value: a number with an optional unit (`us`, `ms`, `s`, `m`, `h`, `d`); bare numbers are ms. */
export const time = z.string().regex(/^\d+(us|ms|s|m|h|d)?$/, { message: 'expected an HAProxy time like 500ms, 5s, 1m or 1h' });

/** A single config token (no blanks, no line breaks): a sample fetch expression, a path, an option value. */
export const token = z
  .string()
  .min(1)
  .regex(/^[^\s]+$/, { message: 'expected a single word without blanks' });

/** A value printed as one (quoted when needed) word: header values, realms, strings. No line breaks. */
export const text = z.string().regex(/^[^\r\n\0]*$/, { message: 'must not contain line breaks' });

export const absoluteFile = z.string().regex(/^\/[^\s]*$/, { message: 'expected an absolute path without blanks' });

export const tlsVersion = z.enum(['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);

export const alpnList = z.array(z.string().regex(/^[\w./-]+$/, { message: 'expected an ALPN protocol id like h2 or http/1.1' })).min(1);

/**
 * A condition (`if` / `unless`) in HAProxy's ACL syntax: named ACLs, `!` negation, `||` / `or`, and anonymous
 * ACLs in braces: `host_grafana !auth_ok`, `{ path_beg /.well-known/acme-challenge/ }`.
 */
export const condition = z
  .string()
  .min(1)
  .regex(/^[^\r\n#]+$/, { message: 'a condition cannot contain line breaks or "#"' });

/** The optional guard every rule may carry. Exactly one of the two (checked). */
export const guard = {
  /** Apply the rule only when this condition holds. */
  if: condition.optional(),
  /** Apply the rule unless this condition holds. */
  unless: condition.optional(),
};
