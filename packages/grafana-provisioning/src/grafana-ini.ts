import { ConfigError, type Diagnostic, absolutePath, hostPort, hostname, ipAddress, validateWith, port, toIni } from '@chatops/core';
import { z } from 'zod';
import { secretReference, strayExpansion } from './_expansion.js';

/** go-ini's value interpolation, `%(name)s`. */
const INI_INTERPOLATION = /%\([^)]+\)s/;
const line = z.string().refine((v) => !/[\r\n]/.test(v), { message: 'must be a single line' });
const url = z.url({ message: 'expected an absolute URL' });
/** A token of a Grafana list setting (space/comma separated): no separators, quotes or brackets inside. */
const listToken = z
  .string()
  .regex(/^[^\s,"'[\]]+$/, { message: 'must not contain spaces, commas, quotes or brackets (Grafana splits list settings on them)' });
const list = z.array(listToken);

const paths = z.strictObject({
  data: absolutePath.optional(),
  logs: absolutePath.optional(),
  plugins: absolutePath.optional(),
  provisioning: absolutePath.optional(),
});

const server = z
  .strictObject({
    protocol: z.enum(['http', 'https', 'h2', 'socket']).optional(),
    http_addr: ipAddress.optional(),
    http_port: port.optional(),
    domain: hostname.optional(),
    enforce_domain: z.boolean().optional(),
    root_url: url.optional(),
    serve_from_sub_path: z.boolean().optional(),
    router_logging: z.boolean().optional(),
    enable_gzip: z.boolean().optional(),
    cert_file: absolutePath.optional(),
    cert_key: absolutePath.optional(),
    min_tls_version: z.enum(['TLS1.2', 'TLS1.3']).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.protocol === 'https' || s.protocol === 'h2') {
      for (const key of ['cert_file', 'cert_key'] as const) {
        if (s[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required when protocol is ${s.protocol}` });
      }
    }
  });

const security = z.strictObject({
  admin_user: line.optional(),
  admin_password: secretReference.optional(),
  secret_key: secretReference.optional(),
  disable_initial_admin_creation: z.boolean().optional(),
  disable_gravatar: z.boolean().optional(),
  cookie_secure: z.boolean().optional(),
  cookie_samesite: z.enum(['lax', 'strict', 'none', 'disabled']).optional(),
  allow_embedding: z.boolean().optional(),
  strict_transport_security: z.boolean().optional(),
  x_content_type_options: z.boolean().optional(),
  x_xss_protection: z.boolean().optional(),
  content_security_policy: z.boolean().optional(),
});

const users = z.strictObject({
  allow_sign_up: z.boolean().optional(),
  allow_org_create: z.boolean().optional(),
  auto_assign_org: z.boolean().optional(),
  auto_assign_org_role: z.enum(['Viewer', 'Editor', 'Admin']).optional(),
});

const auth = z.strictObject({
  disable_login_form: z.boolean().optional(),
  disable_signout_menu: z.boolean().optional(),
  oauth_auto_login: z.boolean().optional(),
  signout_redirect_url: url.optional(),
});

const enabledOnly = z.strictObject({ enabled: z.boolean().optional() });

const genericOauth = z
  .strictObject({
    enabled: z.boolean().optional(),
    name: line.optional(),
    allow_sign_up: z.boolean().optional(),
    auto_login: z.boolean().optional(),
    client_id: line.optional(),
    client_secret: secretReference.optional(),
    scopes: list.optional(),
    auth_url: url.optional(),
    token_url: url.optional(),
    api_url: url.optional(),
    login_attribute_path: line.optional(),
    email_attribute_path: line.optional(),
    name_attribute_path: line.optional(),
    groups_attribute_path: line.optional(),
    role_attribute_path: line.optional(),
    role_attribute_strict: z.boolean().optional(),
    skip_org_role_sync: z.boolean().optional(),
    allowed_groups: list.optional(),
    allowed_domains: list.optional(),
    use_pkce: z.boolean().optional(),
    use_refresh_token: z.boolean().optional(),
    tls_skip_verify_insecure: z.literal(false).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.enabled !== true) return;
    for (const key of ['client_id', 'auth_url', 'token_url', 'api_url'] as const) {
      if (o[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'required when generic OAuth is enabled' });
    }
  });

/** `[database]`: SQLite on the node, or a shared PostgreSQL over TLS (never `disable`). */
const database = z
  .strictObject({
    type: z.enum(['sqlite3', 'postgres']).optional(),
    host: hostPort.optional(),
    name: line.optional(),
    user: line.optional(),
    password: secretReference.optional(),
    ssl_mode: z.enum(['require', 'verify-ca', 'verify-full']).optional(),
    ca_cert_path: absolutePath.optional(),
    server_cert_name: hostname.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.type === 'postgres') {
      for (const key of ['host', 'name', 'user', 'password', 'ssl_mode'] as const)
        if (d[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'required when type is postgres' });
    } else {
      for (const key of ['host', 'user', 'password', 'ssl_mode', 'ca_cert_path', 'server_cert_name'] as const)
        if (d[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only for a server database (postgres)' });
    }
  });

const log = z.strictObject({
  mode: z.enum(['console', 'file', 'console file', 'syslog']).optional(),
  level: z.enum(['debug', 'info', 'warn', 'error', 'critical']).optional(),
});

const logFile = z.strictObject({
  log_rotate: z.boolean().optional(),
  daily_rotate: z.boolean().optional(),
  max_days: z.number().int().min(1).optional(),
});

const analytics = z.strictObject({
  reporting_enabled: z.boolean().optional(),
  check_for_updates: z.boolean().optional(),
  check_for_plugin_updates: z.boolean().optional(),
  feedback_links_enabled: z.boolean().optional(),
});

const snapshots = z.strictObject({ external_enabled: z.boolean().optional() });

/**
 * The subset of `grafana.ini` we write, section by section, as Grafana spells it. Unknown sections and keys are
 * rejected; secret-bearing keys accept only `$__file{}` / `$__env{}` references.
 */
export const grafanaIniSchema = z.strictObject({
  paths: paths.optional(),
  server: server.optional(),
  security: security.optional(),
  users: users.optional(),
  auth: auth.optional(),
  'auth.anonymous': enabledOnly.optional(),
  'auth.basic': enabledOnly.optional(),
  'auth.generic_oauth': genericOauth.optional(),
  database: database.optional(),
  log: log.optional(),
  'log.file': logFile.optional(),
  analytics: analytics.optional(),
  snapshots: snapshots.optional(),
});

export type GrafanaIni = z.output<typeof grafanaIniSchema>;
export type GrafanaIniInput = z.input<typeof grafanaIniSchema>;

/** Validates a grafana.ini model (strict schema, then values Grafana would expand by surprise). */
export function validateGrafanaIni(value: unknown): GrafanaIni {
  const ini = validateWith(grafanaIniSchema, value);
  const problems: Diagnostic[] = [];
  for (const [section, entries] of Object.entries(ini)) {
    for (const [key, v] of Object.entries(entries ?? {})) {
      if (typeof v !== 'string') continue;
      const stray = strayExpansion(v);
      if (stray) problems.push({ path: [section, key], message: stray });
      // go-ini (Grafana's reader) replaces %(name)s by the value of setting `name` and has no escape for it.
      if (INI_INTERPOLATION.test(v))
        problems.push({
          path: [section, key],
          message: 'Grafana\'s INI reader replaces "%(name)s" with the setting called name; it has no escape',
        });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, value);
  return ini;
}

/** Prints a validated grafana.ini: sections in schema order, lists space-separated. */
export function printGrafanaIni(value: GrafanaIniInput, options: { header?: string } = {}): string {
  const ini = validateGrafanaIni(value);
  const doc: Record<string, Record<string, string | number | boolean | undefined>> = {};
  for (const [section, entries] of Object.entries(ini)) {
    if (entries === undefined) continue;
    doc[section] = Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, Array.isArray(v) ? v.join(' ') : v]));
  }
  return toIni(doc, { header: options.header });
}
