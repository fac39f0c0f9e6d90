import { z } from 'zod';
import { identifier, text, time, token } from './_common.js';
import { bindSchema, defaultServerSchema, serverSchema } from './model-endpoints.js';
import { aclSchema, httpAfterResponseRuleSchema, httpRequestRuleSchema, httpResponseRuleSchema, useBackendSchema } from './model-rules.js';
import { cacheSchema, globalSchema, httpErrorsSchema, logTargetSchema, resolversSchema, userlistSchema } from './model-sections.js';

/** `option <name>` flags a proxy may carry (`httpchk` comes from `httpCheck`). */
export const proxyOption = z.enum([
  'httplog',
  'tcplog',
  'dontlognull',
  'forwardfor',
  'http-server-close',
  'http-keep-alive',
  'redispatch',
  'log-health-checks',
  'abortonclose',
  'http-buffer-request',
]);
export type ProxyOption = z.infer<typeof proxyOption>;

/** `timeout <name> <time>` */
export const timeoutsSchema = z.strictObject({
  /** @default unset (HAProxy warns) */
  connect: time.optional(),
  /** @default unset (HAProxy warns) */
  client: time.optional(),
  /** @default unset (HAProxy warns) */
  server: time.optional(),
  /** @default the client timeout */
  'http-request': time.optional(),
  /** @default the http-request timeout */
  'http-keep-alive': time.optional(),
  /** @default the connect timeout */
  queue: time.optional(),
  /** @default the connect timeout */
  check: time.optional(),
  /** @default the client/server timeouts */
  tunnel: time.optional(),
  /** @default the client timeout */
  'client-fin': time.optional(),
  /** @default the server timeout */
  'server-fin': time.optional(),
});
export type Timeouts = z.output<typeof timeoutsSchema>;

/** Built-in statistics page. */
export const statsSchema = z.strictObject({
  /** URI prefix of the page. */
  uri: z.string().regex(/^\/\S*$/, { message: 'expected a URI path like /stats' }),
  /** @default the proxy name */
  realm: text.min(1).optional(),
  /** @default no refresh */
  refresh: time.optional(),
  /** @default false */
  showLegends: z.boolean().optional(),
  /** @default false */
  hideVersion: z.boolean().optional(),
  /** Enables admin actions (drain, maintenance) when this condition holds. @default never */
  adminIf: z.string().min(1).optional(),
  /** `stats http-request auth [realm] unless <condition>`: ask for credentials unless the condition holds. @default no authentication */
  authUnless: z.string().min(1).optional(),
});
export type Stats = z.output<typeof statsSchema>;

/** Health check over HTTP: `option httpchk` + `http-check send` + `http-check expect`. */
export const httpCheckSchema = z.strictObject({
  /** @default 'GET' */
  method: z.enum(['GET', 'HEAD', 'OPTIONS']).default('GET'),
  uri: z.string().regex(/^\/\S*$/, { message: 'expected a URI path' }),
  /** @default 'HTTP/1.1' */
  version: z.enum(['HTTP/1.0', 'HTTP/1.1']).default('HTTP/1.1'),
  /** Request headers (HTTP/1.1 needs `Host`). @default [] */
  headers: z.array(z.strictObject({ name: token, value: text.min(1) })).default([]),
  /** `expect status <codes>` (e.g. `200`, `200-399`) or `expect rstatus <regex>`. */
  expect: z.union([
    z.strictObject({
      status: z.string().regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, { message: 'expected status codes like 200 or 200-399' }),
    }),
    z.strictObject({ rstatus: token }),
  ]),
});
export type HttpCheck = z.output<typeof httpCheckSchema>;

export const balanceSchema = z.strictObject({
  algorithm: z.enum(['roundrobin', 'static-rr', 'leastconn', 'first', 'source', 'uri', 'url_param', 'hdr', 'random']),
  /** Argument of `url_param` / `hdr`. @default none */
  argument: token.optional(),
});

const proxyCommon = {
  name: identifier,
  /** A named `defaults` section this proxy inherits from (`from <name>`). @default the last anonymous defaults */
  from: identifier.optional(),
  /** @default the defaults section's mode */
  mode: z.enum(['http', 'tcp']).optional(),
  /** `log global`, specific targets, or `no log`. @default inherited */
  log: z.union([z.literal('global'), z.literal('none'), z.array(logTargetSchema).min(1)]).optional(),
  /** @default [] */
  options: z.array(proxyOption).default([]),
  /** @default inherited */
  timeouts: timeoutsSchema.optional(),
  /** Concurrent connection limit. @default unlimited (global maxconn applies) */
  maxconn: z.number().int().min(1).optional(),
  /** An `http-errors` section. @default none */
  errorfiles: identifier.optional(),
  /** @default [] */
  acls: z.array(aclSchema).default([]),
  /** @default [] */
  httpRequest: z.array(httpRequestRuleSchema).default([]),
  /** @default [] */
  httpResponse: z.array(httpResponseRuleSchema).default([]),
  /** Rules applied to every response, HAProxy's own included (use it for HSTS). @default [] */
  httpAfterResponse: z.array(httpAfterResponseRuleSchema).default([]),
  /** `stick-table`: per-key counters (`track-sc`, `sc-inc-gpc0`, `sc0_gpc0_rate`...). @default none */
  stickTable: z
    .strictObject({
      type: z.enum(['ip', 'ipv6', 'integer', 'string']),
      /** Entries, e.g. `100k`. */
      size: z.string().regex(/^\d+[kmg]?$/, { message: 'expected a size like 100k' }),
      /** How long an idle entry stays. */
      expire: time,
      /** Stored data, e.g. `gpc0_rate(1m)`. @default [] */
      store: z
        .array(
          z
            .string()
            .regex(/^[a-z0-9_]+(\(\d+(us|ms|s|m|h|d)?\))?$/, { message: 'expected a stored data type like gpc0 or http_req_rate(10s)' }),
        )
        .default([]),
    })
    .optional(),
};

const frontendPart = {
  binds: z.array(bindSchema).min(1),
  /** @default [] */
  useBackends: z.array(useBackendSchema).default([]),
  /** @default none (503) */
  defaultBackend: token.optional(),
};

const backendPart = {
  /** @default roundrobin */
  balance: balanceSchema.optional(),
  /** @default TCP checks */
  httpCheck: httpCheckSchema.optional(),
  /** `default-server` options. @default none */
  defaultServer: defaultServerSchema.optional(),
  /** @default [] */
  servers: z.array(serverSchema).default([]),
  /** Number of retries on connection failure. @default inherited */
  retries: z.number().int().min(0).optional(),
};

/** A `frontend`: binds, rules and routing to backends. */
export const frontendSchema = z.strictObject({
  ...proxyCommon,
  ...frontendPart,
  /** Built-in statistics page. @default off */
  stats: statsSchema.optional(),
});
/** A `backend`: servers, balancing and health checks. */
export const backendSchema = z.strictObject({
  ...proxyCommon,
  ...backendPart,
  /** Built-in statistics page. @default off */
  stats: statsSchema.optional(),
});
export const listenSchema = z.strictObject({
  ...proxyCommon,
  ...frontendPart,
  ...backendPart,
  /** Built-in statistics page. @default off */
  stats: statsSchema.optional(),
});
export type Frontend = z.output<typeof frontendSchema>;
export type Backend = z.output<typeof backendSchema>;
export type Listen = z.output<typeof listenSchema>;

/** A `defaults` section (named ones are inherited with `from`). */
export const defaultsSchema = z.strictObject({
  /** Name (stats, logs). @default none */
  name: identifier.optional(),
  /** Mode. @default inherited (HAProxy's own default is tcp) */
  mode: z.enum(['http', 'tcp']).optional(),
  /** Log targets. @default [] */
  log: z.union([z.literal('global'), z.array(logTargetSchema).min(1)]).optional(),
  /** @default [] */
  options: z.array(proxyOption).default([]),
  /** @default inherited */
  timeouts: timeoutsSchema.optional(),
  /** Retries on connection failure. @default 3 */
  retries: z.number().int().min(0).optional(),
  /** Concurrent connection limit. @default unlimited (global maxconn applies) */
  maxconn: z.number().int().min(1).optional(),
  /** An `http-errors` section. @default none */
  errorfiles: identifier.optional(),
  /** `default-server` options. @default none */
  defaultServer: defaultServerSchema.optional(),
});
export type Defaults = z.output<typeof defaultsSchema>;

/** A whole haproxy.cfg. Sections print in this order; rules keep their order. */
export const haproxyConfigSchema = z.strictObject({
  /** Comment lines printed at the top of the file. @default [] */
  header: z.array(text).default([]),
  /** @default {} */
  global: globalSchema.prefault({}),
  /** @default [] */
  defaults: z.array(defaultsSchema).default([]),
  /** @default [] */
  userlists: z.array(userlistSchema).default([]),
  /** A `resolvers` section that keeps the address up to date. @default none */
  resolvers: z.array(resolversSchema).default([]),
  /** @default [] */
  httpErrors: z.array(httpErrorsSchema).default([]),
  /** @default [] */
  caches: z.array(cacheSchema).default([]),
  /** @default [] */
  frontends: z.array(frontendSchema).default([]),
  /** @default [] */
  backends: z.array(backendSchema).default([]),
  /** @default [] */
  listens: z.array(listenSchema).default([]),
});
/** A validated HAProxy configuration (defaults applied). */
export type HaproxyConfig = z.output<typeof haproxyConfigSchema>;
/** What users write: optional members may be left out. */
export type HaproxyConfigInput = z.input<typeof haproxyConfigSchema>;
