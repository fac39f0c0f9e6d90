import { z } from 'zod';
import { guard, identifier, text, token } from './_common.js';

/** Match methods of `-m`. */
export const matchMethod = z.enum(['str', 'beg', 'end', 'sub', 'reg', 'dir', 'dom', 'len', 'found', 'bool', 'int', 'ip', 'bin']);

/** `acl <name> <criterion> [-i] [-m <method>] <values...>` */
export const aclSchema = z.strictObject({
  name: identifier,
  /** Sample fetch with converters, e.g. `hdr(host),field(1,:)` or `path_beg`. */
  criterion: token,
  /** Explicit match method (`-m`). @default the fetch's own */
  match: matchMethod.optional(),
  /** Case-insensitive matching (`-i`). @default false */
  ignoreCase: z.boolean().optional(),
  /** Patterns (may be empty for boolean fetches such as `http_auth(list)`). @default [] */
  values: z.array(text.min(1)).default([]),
});
export type Acl = z.output<typeof aclSchema>;
export type AclInput = z.input<typeof aclSchema>;

const redirectCode = z.union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)]);
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { message: 'expected an HTTP header name' });
const status = z.number().int().min(200).max(599);

const headerValue = text.min(1, { message: 'HAProxy drops empty words: use del-header to remove a header' });
/** `set-header`, `add-header`, `del-header`: the same in `http-request`, `http-response` and `http-after-response`. */
const headerRules = [
  z.strictObject({ action: z.literal('set-header'), name: headerName, value: headerValue, ...guard }),
  z.strictObject({ action: z.literal('add-header'), name: headerName, value: headerValue, ...guard }),
  z.strictObject({ action: z.literal('del-header'), name: headerName, ...guard }),
] as const;

/** An ordered `http-request` rule. */
export const httpRequestRuleSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('redirect'),
    /** `redirect scheme <scheme>` @default none (one of scheme, location, prefix) */
    scheme: z.enum(['http', 'https']).optional(),
    /** `redirect location <log-format>` @default none */
    location: text.min(1).optional(),
    /** `redirect prefix <log-format>` @default none */
    prefix: text.min(1).optional(),
    /** @default 302 */
    code: redirectCode.optional(),
    ...guard,
  }),
  ...headerRules,
  z.strictObject({ action: z.literal('set-path'), value: text.min(1), ...guard }),
  z.strictObject({
    action: z.literal('auth'),
    /** @default the proxy name */
    realm: text.min(1).optional(),
    ...guard,
  }),
  z.strictObject({
    action: z.literal('deny'),
    /** @default 403 */
    status: status.optional(),
    ...guard,
  }),
  z.strictObject({
    action: z.literal('return'),
    status: status,
    /** `content-type` of the body. @default none (required with `string`) */
    contentType: token.optional(),
    /** Body (requires `contentType`). @default empty body */
    string: text.min(1, { message: 'HAProxy drops empty words: leave string out for an empty body' }).optional(),
    ...guard,
  }),
  z.strictObject({ action: z.literal('allow'), ...guard }),
  z.strictObject({ action: z.literal('use-service'), service: z.enum(['prometheus-exporter']), ...guard }),
  z.strictObject({ action: z.literal('cache-use'), cache: identifier, ...guard }),
  z.strictObject({
    action: z.literal('track-sc'),
    /** Sticky counter number (`track-sc0`..`track-sc2`). */
    counter: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    /** Sample fetch that keys the entry, e.g. `src`. */
    key: token,
    /** Stick table (a proxy with a `stick-table`). @default this proxy's */
    table: identifier.optional(),
    ...guard,
  }),
  z.strictObject({
    action: z.literal('sc-inc-gpc0'),
    /** The tracked sticky counter whose entry's `gpc0` is incremented. */
    counter: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    ...guard,
  }),
]);
export type HttpRequestRule = z.output<typeof httpRequestRuleSchema>;

/** An ordered `http-response` rule. */
export const httpResponseRuleSchema = z.discriminatedUnion('action', [
  ...headerRules,
  z.strictObject({
    action: z.literal('deny'),
    /** @default 502 */
    status: status.optional(),
    ...guard,
  }),
  z.strictObject({ action: z.literal('cache-store'), cache: identifier, ...guard }),
]);
export type HttpResponseRule = z.output<typeof httpResponseRuleSchema>;

/** An ordered `http-after-response` rule: also applies to responses HAProxy makes itself (redirects, 401, 404). */
export const httpAfterResponseRuleSchema = z.discriminatedUnion('action', [...headerRules]);
export type HttpAfterResponseRule = z.output<typeof httpAfterResponseRuleSchema>;

/** `use_backend <backend> if|unless <condition>` */
export const useBackendSchema = z.strictObject({
  /** A backend (or listen) name; a `%[...]` log-format name is resolved at run time and not checked. */
  backend: token,
  ...guard,
});
export type UseBackend = z.output<typeof useBackendSchema>;
