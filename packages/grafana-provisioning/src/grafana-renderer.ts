import { type Artifact, artifact, placeSecret, printUnitFile, sandbox } from '@chatops/core';
import {
  type Environment,
  type NodeSpec,
  type RenderContext,
  type ServiceRenderer,
  clientCertificate,
  clientTlsFiles,
  internalUrl,
  nodeFqdn,
  nodePath,
  OAUTH_GROUP_CLAIMS,
  nodeWithRole,
  publicHost,
  publicUrl,
  serviceCertificate,
  tlsFiles,
} from '@chatops/environment';
import { fileReference } from './_expansion.js';
import type { Dashboard, DatasourceRef } from './dashboard.js';
import { type DashboardProvidersInput, printDashboardProviders } from './dashboard-provisioning.js';
import { type DatasourceFileInput, printDatasourceFile } from './datasource-provisioning.js';
import { type GrafanaIniInput, printGrafanaIni } from './grafana-ini.js';
import { type UnitsOf, stackDashboards } from './stack-dashboards.js';
import { printDashboard } from './validate-dashboard.js';
import { GRAFANA_USER, grafanaFacts } from './facts.js';

/** Where Grafana's files live on a node (before the environment's path prefix). */
export const GRAFANA_PATHS = {
  config: '/etc/grafana/grafana.ini',
  provisioning: '/etc/grafana/provisioning',
  dashboards: '/etc/grafana/dashboards',
  secrets: '/etc/grafana/secrets',
  data: '/var/lib/grafana',
  plugins: '/var/lib/grafana/plugins',
  /** Grafana writes `grafana.log` here (Filebeat ships it). */
  logs: '/var/log/grafana',
  /** Our drop-in on the package's `grafana-server.service`: its sandbox. */
  dropIn: '/etc/systemd/system/grafana-server.service.d/chatops.conf',
} as const;

export { GRAFANA_USER };

const HEADER = 'Rendered by @chatops/grafana-provisioning. Do not edit: changes are overwritten on deploy.';

export interface GrafanaRendererProps {
  /** Uid of the provisioned Prometheus datasource (dashboards refer to it). @default 'chatops-prometheus' */
  readonly datasourceUid?: string;
  /** @default 'Prometheus' */
  readonly datasourceName?: string;
  /** Hide the user/password form: everyone signs in through OAuth (the admin password still works for the API). @default true */
  readonly disableLoginForm?: boolean;
  /** Role of users the OAuth login creates. @default 'Viewer' */
  readonly autoAssignOrgRole?: 'Viewer' | 'Editor' | 'Admin';
  /** Folder the dashboards appear in. @default 'ChatOps' */
  readonly folder?: string;
  /** Units that must be active on a node, for the service-status dashboard. @default `unitsOn` from `@chatops/environment` */
  readonly unitsOf?: UnitsOf;
  /** Dashboards to provision in addition to the stack's four. @default [] */
  readonly extraDashboards?: readonly Dashboard[];
}

/** Node paths of the files grafana.ini refers to. */
export interface GrafanaIniRefs {
  readonly certFile: string;
  readonly keyFile: string;
  readonly adminPasswordFile: string;
  readonly oauthClientSecretFile: string;
  /** @default undefined (Grafana's built-in default key) */
  readonly secretKeyFile?: string;
  /** The shared database's password (`grafana.database.type: postgres`). */
  readonly databasePasswordFile?: string;
}

/** The system CA bundle on Debian: where a PostgreSQL server's certificate is verified by default. */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** `[database]`: SQLite in the data directory, or the environment's shared PostgreSQL over verified TLS. */
export function grafanaDatabase(env: Environment, passwordFile: string | undefined): GrafanaIniInput['database'] {
  const db = env.grafana.database;
  if (db.type === 'sqlite3') return { type: 'sqlite3' };
  if (!db.host || !passwordFile) throw new Error('grafanaDatabase: a postgres database needs its host and password file');
  return {
    type: 'postgres',
    host: db.host,
    name: db.name,
    user: db.user,
    password: fileReference(passwordFile),
    ssl_mode: db.sslMode,
    ca_cert_path: db.caFile ?? SYSTEM_CA_BUNDLE,
    ...(db.serverName ? { server_cert_name: db.serverName } : {}),
  };
}

/**
 * Roles from IAM groups as a JMESPath (`contains(groups[*], 'ops') && 'Admin' || ... || 'Viewer'`); without a
 * mapping Grafana must not sync roles, or every login resets roles given in Grafana back to Viewer.
 */
export function oauthRoles(
  groupsPath: string,
  roleGroups: { readonly Admin: readonly string[]; readonly Editor: readonly string[] } | undefined,
): { role_attribute_path: string; role_attribute_strict: boolean } | { skip_org_role_sync: true } {
  if (roleGroups === undefined || roleGroups.Admin.length + roleGroups.Editor.length === 0) return { skip_org_role_sync: true };
  // Group names are checked at load time to hold no quote or backslash, so a raw JMESPath literal is exact.
  const literal = (s: string) => `'${s}'`;
  const terms = (['Admin', 'Editor'] as const).flatMap((role) =>
    roleGroups[role].map((group) => `contains(${groupsPath}, ${literal(group)}) && ${literal(role)}`),
  );
  return { role_attribute_path: [...terms, "'Viewer'"].join(' || '), role_attribute_strict: false };
}

/** The grafana.ini model of a Grafana node: HTTPS on the node address, public URL, OAuth login, secrets by reference. */
export function grafanaIni(env: Environment, node: NodeSpec, refs: GrafanaIniRefs, props: GrafanaRendererProps = {}): GrafanaIniInput {
  const p = (path: string) => nodePath(env, node, path);
  const oauth = env.grafana.oauth;
  const host = publicHost(env, 'grafana');
  const groups = oauth.groupsAttributePath ?? OAUTH_GROUP_CLAIMS[oauth.profile];
  return {
    paths: {
      data: p(GRAFANA_PATHS.data),
      logs: p(GRAFANA_PATHS.logs),
      plugins: p(GRAFANA_PATHS.plugins),
      provisioning: p(GRAFANA_PATHS.provisioning),
    },
    server: {
      protocol: 'https',
      http_addr: node.address,
      http_port: env.ports.grafana,
      domain: host,
      root_url: publicUrl(env, 'grafana'),
      enforce_domain: false,
      cert_file: refs.certFile,
      cert_key: refs.keyFile,
      min_tls_version: 'TLS1.2',
      enable_gzip: true,
    },
    security: {
      admin_user: 'admin',
      admin_password: fileReference(refs.adminPasswordFile),
      ...(refs.secretKeyFile ? { secret_key: fileReference(refs.secretKeyFile) } : {}),
      disable_gravatar: true,
      cookie_secure: true,
      cookie_samesite: 'lax',
      allow_embedding: false,
      content_security_policy: true,
    },
    users: {
      allow_sign_up: false,
      allow_org_create: false,
      auto_assign_org: true,
      auto_assign_org_role: props.autoAssignOrgRole ?? 'Viewer',
    },
    auth: { disable_login_form: props.disableLoginForm ?? true },
    'auth.anonymous': { enabled: false },
    // Grafana is the one route without edge authentication: no password endpoint may face the internet.
    'auth.basic': { enabled: false },
    'auth.generic_oauth': {
      enabled: true,
      name: oauth.name,
      allow_sign_up: true,
      auto_login: oauth.autoLogin,
      client_id: oauth.clientId,
      client_secret: fileReference(refs.oauthClientSecretFile),
      scopes: oauth.scopes,
      auth_url: oauth.authUrl,
      token_url: oauth.tokenUrl,
      api_url: oauth.apiUrl,
      login_attribute_path: oauth.loginAttributePath,
      email_attribute_path: oauth.emailAttributePath,
      groups_attribute_path: groups,
      allowed_groups: oauth.allowedGroups.length > 0 ? oauth.allowedGroups : undefined,
      ...oauthRoles(groups, oauth.roleGroups),
      use_pkce: true,
      use_refresh_token: oauth.refreshToken,
    },
    database: grafanaDatabase(env, refs.databasePasswordFile),
    log: { mode: 'file', level: 'info' },
    'log.file': { log_rotate: true, daily_rotate: true, max_days: 7 },
    analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false, feedback_links_enabled: false },
    snapshots: { external_enabled: false },
  };
}

/** The Prometheus datasource: the Prometheus node over TLS with our CA, basic auth with Grafana's service account. */
/**
 * The Prometheus datasource: Prometheus' node by its internal name over TLS with our CA, the `grafana` service
 * account, and (mutual TLS) Grafana's client certificate and key, read from their files at start (`$__file{}`).
 */
export function prometheusDatasourceFile(
  ctx: RenderContext,
  passwordFile: string,
  props: GrafanaRendererProps = {},
  client?: { readonly certFile: string; readonly keyFile: string },
): DatasourceFileInput {
  const { env } = ctx;
  const prometheus = nodeWithRole(env, 'prometheus');
  return {
    apiVersion: 1,
    datasources: [
      {
        name: props.datasourceName ?? 'Prometheus',
        type: 'prometheus',
        uid: props.datasourceUid ?? 'chatops-prometheus',
        access: 'proxy',
        orgId: 1,
        url: internalUrl(env, prometheus, env.ports.prometheus),
        isDefault: true,
        editable: false,
        basicAuth: true,
        basicAuthUser: env.serviceAccounts.grafana.name,
        jsonData: {
          httpMethod: 'POST',
          timeInterval: env.prometheus.scrapeInterval,
          tlsAuthWithCACert: true,
          // The URL is Prometheus' address (nothing resolves internal names); Grafana sends and verifies its FQDN.
          serverName: nodeFqdn(env, prometheus),
          ...(client ? { tlsAuth: true } : {}),
          prometheusType: 'Prometheus',
        },
        secureJsonData: {
          tlsCACert: ctx.pki.caCert,
          ...(client ? { tlsClientCert: fileReference(client.certFile), tlsClientKey: fileReference(client.keyFile) } : {}),
          basicAuthPassword: fileReference(passwordFile),
        },
      },
    ],
  };
}

function dashboardProviders(env: Environment, node: NodeSpec, props: GrafanaRendererProps): DashboardProvidersInput {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'chatops',
        orgId: 1,
        folder: props.folder ?? 'ChatOps',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: nodePath(env, node, `${GRAFANA_PATHS.dashboards}/chatops`), foldersFromFilesStructure: false },
      },
    ],
  };
}

/** Every file a Grafana node needs: grafana.ini, TLS files, secret files, datasource, dashboard provider and dashboards. */
export function renderGrafana(node: NodeSpec, ctx: RenderContext, props: GrafanaRendererProps = {}): Artifact[] {
  const { env, secrets } = ctx;
  const p = (path: string) => nodePath(env, node, path);
  const file = (path: string, content: string, extra: Partial<Parameters<typeof artifact>[0]> = {}) =>
    artifact({ path: p(path), content, service: 'grafana', group: GRAFANA_USER, mode: '0640', action: 'restart', ...extra });
  const secretProps = (name: string) => ({
    path: p(`${GRAFANA_PATHS.secrets}/${name}`),
    service: 'grafana',
    group: GRAFANA_USER,
    mode: '0640',
  });

  const tls = tlsFiles(ctx, node, 'grafana', { owner: GRAFANA_USER });
  // The client leaf Grafana presents to Prometheus (which requires one: mutual TLS).
  const client = clientTlsFiles(ctx, node, 'grafana', { owner: GRAFANA_USER });
  const admin = placeSecret(env.grafana.adminPassword, secrets, secretProps('admin-password'));
  const clientSecret = placeSecret(env.grafana.oauth.clientSecret, secrets, secretProps('oauth-client-secret'));
  const dsPassword = placeSecret(env.serviceAccounts.grafana.password, secrets, secretProps('prometheus-password'));
  const secretKey = env.grafana.secretKey ? placeSecret(env.grafana.secretKey, secrets, secretProps('secret-key')) : undefined;
  const dbPassword = env.grafana.database.password
    ? placeSecret(env.grafana.database.password, secrets, secretProps('database-password'))
    : undefined;

  const ini = grafanaIni(
    env,
    node,
    {
      certFile: tls.certFile,
      keyFile: tls.keyFile,
      adminPasswordFile: admin.path,
      oauthClientSecretFile: clientSecret.path,
      ...(secretKey ? { secretKeyFile: secretKey.path } : {}),
      ...(dbPassword ? { databasePasswordFile: dbPassword.path } : {}),
    },
    props,
  );
  const datasources = prometheusDatasourceFile(ctx, dsPassword.path, props, client);
  const datasource: DatasourceRef = { type: 'prometheus', uid: props.datasourceUid ?? 'chatops-prometheus' };
  const dashboards = [...stackDashboards(env, { datasource, unitsOf: props.unitsOf }), ...(props.extraDashboards ?? [])];
  const uids = datasources.datasources.map((d) => d.uid);

  return [
    file(GRAFANA_PATHS.config, printGrafanaIni(ini, { header: HEADER })),
    // The package's unit is partly hardened; the drop-in restates its user and confines it: only its data and
    // logs are writable, no capabilities. Like Grafana's own unit, writable executable memory stays allowed.
    artifact({
      path: p(GRAFANA_PATHS.dropIn),
      content: printUnitFile(
        {
          Service: {
            User: GRAFANA_USER,
            Group: GRAFANA_USER,
            ...sandbox({ writable: [`-${p(GRAFANA_PATHS.data)}`, `-${p(GRAFANA_PATHS.logs)}`], memoryDenyWriteExecute: false }),
          },
        },
        { header: HEADER },
      ),
      mode: '0644',
      service: 'grafana',
      action: 'restart',
    }),
    ...tls.artifacts,
    ...client.artifacts,
    ...admin.artifacts,
    ...clientSecret.artifacts,
    ...(secretKey?.artifacts ?? []),
    ...(dbPassword?.artifacts ?? []),
    ...dsPassword.artifacts,
    file(`${GRAFANA_PATHS.provisioning}/datasources/chatops.yaml`, printDatasourceFile(datasources, { header: HEADER })),
    file(
      `${GRAFANA_PATHS.provisioning}/dashboards/chatops.yaml`,
      printDashboardProviders(dashboardProviders(env, node, props), { header: HEADER }),
    ),
    // Grafana polls the dashboards directory (updateIntervalSeconds): a changed dashboard needs no restart.
    ...dashboards.map((d) =>
      file(`${GRAFANA_PATHS.dashboards}/chatops/${d.uid}.json`, printDashboard(d, { datasourceUids: uids }), {
        mode: '0644',
        action: 'none',
      }),
    ),
  ];
}

/** The stack's Grafana renderer (one certificate per Grafana node, valid for loopback clients too). */
export function createGrafanaRenderer(props: GrafanaRendererProps = {}): ServiceRenderer {
  return {
    ...grafanaFacts,
    securityBudgets: { 'grafana-server.service': { max: 1.5 } }, // systemd 252: 1.1
    certificates: (env, node) => [serviceCertificate(env, node, 'grafana', { loopback: true }), clientCertificate(env, node, 'grafana')],
    render: (node, ctx) => ({ artifacts: renderGrafana(node, ctx, props) }),
  };
}

/** `createGrafanaRenderer()` with defaults, as registered in the stack. */
export const grafanaRenderer: ServiceRenderer = createGrafanaRenderer();
