import {
  absolutePath,
  bcryptHash,
  duration,
  durationMs,
  durationPattern,
  email,
  hostPort,
  hostname,
  passwordHash,
  sha512CryptEdgeHash,
  port,
  portablePath,
  secretRef,
} from '@chatops/core';
import { z } from 'zod';
import { ROLES } from './roles.js';

const name = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'expected a lower-case name of letters, digits and hyphens' });
const url = z.url({ message: 'expected an absolute URL' });
/** A duration longer than zero (a zero interval makes Alertmanager and Prometheus refuse or spin). */
// The refinement also runs on values the pattern refused: only a well-formed duration is measured.
const interval = duration.refine((v) => !(v !== '' && durationPattern.test(v)) || durationMs(v) > 0, {
  message: 'expected a duration longer than 0s',
});
/** IPv4 only: the stack's listeners, scrape targets and Beats hosts are written as plain `host:port`. */
const nodeAddress = z.ipv4({
  error: (issue) =>
    typeof issue.input === 'string' && issue.input.includes(':')
      ? 'IPv6 node addresses are not supported yet (HAProxy servers, scrape targets and Beats hosts are rendered as address:port): use an IPv4 address'
      : 'expected an IPv4 address',
});

const sshUser = z.string().regex(/^[a-z_][a-z0-9_-]*\$?$/, { message: 'expected a user name' });
/** `[user@]host[:port]` of an SSH jump host (OpenSSH `-J`). */
// biome-ignore lint/complexity/noUselessEscapeInRegex: the pattern goes into environment.schema.json, where other regex dialects (and ECMAScript's v flag) need `\[` in a class
const jumpHost = z.string().regex(/^([a-z_][a-z0-9_-]*@)?[A-Za-z0-9.:\[\]-]+(:\d+)?$/, { message: 'expected [user@]host[:port]' });

/** Environment-wide SSH settings of `@chatops/deploy`; every node may override them. */
export const sshDefaultsSchema = z
  .strictObject({
    user: sshUser.optional().describe('Login user on every node. @default "root"'),
    port: port.optional().describe('sshd port of every node. @default 22'),
    identityFile: z.string().min(1).optional().describe("Private key (relative to the environment file). @default ssh's own defaults"),
    knownHosts: z
      .string()
      .min(1)
      .optional()
      .describe(
        'known_hosts file pinning every node\'s host key (relative to the environment file); unknown or changed keys are refused. @default "~/.ssh/known_hosts"',
      ),
    jumpHost: jumpHost.optional().describe('Bastion to reach the nodes through (ssh -J). @default none'),
  })
  .describe('How @chatops/deploy reaches the nodes over SSH.');

/** Per-node SSH overrides. */
export const sshTargetSchema = sshDefaultsSchema
  .extend({
    host: z.string().min(1).optional().describe('Host name or address sshd listens on. @default the node address'),
  })
  .describe('How @chatops/deploy reaches this node (overrides the environment-level ssh settings).');

export const nodeSchema = z
  .strictObject({
    name: name.describe('Short node name, unique in the environment (also its host name).'),
    address: nodeAddress.describe('Private address other nodes and HAProxy use to reach this node.'),
    roles: z
      .array(z.enum(ROLES))
      .default([])
      .describe('Roles placed on this node; filebeat, systemd-exporter and node-exporter run everywhere.'),
    localAddress: z
      .ipv4({ error: 'expected an IPv4 address' })
      .regex(/^127\./, { message: 'expected a loopback address (127.0.0.0/8)' })
      .default('127.0.0.1')
      .describe(
        'Loopback address of the services only this node reaches (ChatOps containers and cAdvisor behind their TLS terminators, certbot). Give nodes sharing one machine (a lab, loopback tests) different ones; a node whose localAddress is not 127.0.0.1 also names its runtime directories after itself.',
      ),
    ssh: sshTargetSchema.optional(),
  })
  .describe('A machine of the deployment.');

export const portsSchema = z
  .strictObject({
    http: port.default(80).describe('HAProxy plain HTTP (redirects and ACME).'),
    https: port.default(443).describe('HAProxy public HTTPS.'),
    haproxyMetrics: port.default(8405).describe("HAProxy's Prometheus exporter."),
    certbot: port.default(8888).describe('Local certbot standalone server that HAProxy forwards ACME http-01 requests to.'),
    chatops: port.default(3000).describe('First ChatOps instance; instance i listens on chatops + i - 1.'),
    grafana: port.default(3000),
    prometheus: port.default(9090),
    alertmanager: port.default(9093),
    elasticsearch: port.default(9200),
    kibana: port.default(5601),
    logstash: port.default(5044).describe('Logstash beats input.'),
    cadvisor: port.default(8080).describe("cAdvisor's TLS terminator on the node address."),
    cadvisorLocal: port.default(18080).describe('cAdvisor itself, on 127.0.0.1 behind its TLS terminator.'),
    chatopsLocal: port
      .default(13000)
      .describe('First ChatOps container, published on 127.0.0.1 behind the TLS terminator; instance i uses chatopsLocal + i - 1.'),
    systemdExporter: port.default(9558),
    nodeExporter: port.default(9100),
    blackboxExporter: port.default(9115).describe('The blackbox exporter (probes and its own metrics), on the Prometheus node.'),
  })
  .describe('Listening ports (defaults are the real deployment).');

export const publicTlsSchema = z
  .discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('letsencrypt'),
      email: email.describe("Contact address for Let's Encrypt expiry notices."),
      staging: z.boolean().default(false).describe("Use Let's Encrypt's staging CA."),
    }),
    z.strictObject({ mode: z.literal('self-signed') }),
  ])
  .describe('The public edge certificate.');

export const internalTlsSchema = z
  .strictObject({
    // RFC 5280 upper bounds (ub-common-name, ub-organization-name): strict X.509 readers refuse longer names.
    commonName: z
      .string()
      .min(1)
      .max(64, { message: 'expected at most 64 characters (the X.509 limit of a common name)' })
      .optional()
      .describe('CA subject common name. @default "<name> internal CA"'),
    organization: z
      .string()
      .min(1)
      .max(64, { message: 'expected at most 64 characters (the X.509 limit of an organization name)' })
      .default('ChatOps'),
    caValidityDays: z.number().int().min(30).max(7300).default(3650),
    leafValidityDays: z.number().int().min(2).max(825).default(397),
    renewBeforeDays: z.number().int().min(1).default(30).describe('Re-issue a certificate this many days before it expires.'),
    keyAlgorithm: z
      .enum(['ecdsa-p256', 'rsa'])
      .default('ecdsa-p256')
      .describe('Key algorithm of the internal CA and every certificate it issues. Changing it re-issues them all.'),
    keyBits: z
      .union([z.literal(2048), z.literal(3072), z.literal(4096)], { error: 'expected an RSA key size of 2048, 3072 or 4096 bits' })
      .default(2048)
      .describe('RSA modulus size (keyAlgorithm: rsa).'),
  })
  .describe('Our own CA that signs every internal hop.');

export const userSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: 'expected a user name of letters, digits, _, . and -' }),
  passwordHash: passwordHash.describe('crypt(3) hash ($2b$ bcrypt also works for Prometheus and Alertmanager web auth).'),
  edgePasswordHash: sha512CryptEdgeHash
    .optional()
    .describe(
      "SHA-512-crypt hash of the same password for HAProxy's userlist, which checks it on every request: $6$<salt>$<hash> from `openssl passwd -6` (5,000 rounds) or $6$rounds=<N>$... (5,000-999,999). Each guess is cheaper than bcrypt's (see the README's Performance section); without it the edge checks passwordHash.",
    ),
});

export const serviceAccountSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
    password: secretRef.describe('The password the client sends.'),
    passwordHash: bcryptHash.describe('bcrypt hash of the same password, checked by the server.'),
  })
  .describe('Machine-to-machine basic-auth credentials.');

/** Group claims of INDIGO IAM's token profiles: `iam` puts them in `groups`, `wlcg` in `wlcg.groups`. */
export const OAUTH_GROUP_CLAIMS = { iam: 'groups[*]', wlcg: '"wlcg.groups"[*]' } as const;

// Fields Grafana reads from grafana.ini, where it expands "$" (environment variables, $__env{}, $__file{}) and
// splits list settings at spaces and commas: refused here, at their own line, rather than by the Grafana renderer.
const GRAFANA_DOLLAR = 'Grafana expands "$" in grafana.ini (environment variables, $__env{}, $__file{}): a value it reads cannot hold "$"';
const noDollar = (v: string) => !v.includes('$');
const grafanaText = z.string().min(1).refine(noDollar, { message: GRAFANA_DOLLAR });
const grafanaUrl = url.refine(noDollar, { message: GRAFANA_DOLLAR });
/** One element of a Grafana list setting (scopes, allowed groups). */
const grafanaListItem = z.string().regex(/^[^\s,"'[\]$]+$/, {
  message:
    'expected a word without spaces, commas, quotes, brackets or "$" (Grafana splits list settings at spaces and commas, and expands "$")',
});

const groupName = z
  .string()
  .regex(/^[^'"\\\s,[\]$]+$/, { message: 'expected a group name without quotes, backslashes, spaces, commas, brackets or "$"' });

export const oauthSchema = z
  .strictObject({
    name: grafanaText.describe('Login button label, e.g. "IRIS IAM".'),
    clientId: grafanaText,
    clientSecret: secretRef,
    authUrl: grafanaUrl,
    tokenUrl: grafanaUrl,
    apiUrl: grafanaUrl,
    scopes: z
      .array(grafanaListItem)
      .default(['openid', 'profile', 'email', 'offline_access'])
      .describe('Requested scopes. INDIGO IAM (MITREid) issues a refresh token only with offline_access.'),
    refreshToken: z
      .boolean()
      .default(true)
      .describe(
        'Renew sessions with the refresh token instead of logging users out when the access token expires (needs the offline_access scope).',
      ),
    profile: z
      .enum(['iam', 'wlcg'])
      .default('iam')
      .describe('The IAM token profile of the client: where the group claim is (iam: groups, wlcg: wlcg.groups).'),
    groupsAttributePath: grafanaText
      .optional()
      .describe('JMESPath to the groups. @default from profile: groups[*] (iam) or "wlcg.groups"[*] (wlcg)'),
    allowedGroups: z.array(grafanaListItem).default([]),
    roleGroups: z
      .strictObject({
        Admin: z.array(groupName).default([]),
        Editor: z.array(groupName).default([]),
      })
      .optional()
      .describe('Grafana roles from IAM groups (everyone else is Viewer). Without it, roles set in Grafana are kept across logins.'),
    loginAttributePath: grafanaText.default('preferred_username'),
    emailAttributePath: grafanaText.optional(),
    autoLogin: z.boolean().default(true).describe('Send visitors straight to the IAM login page (there is no other way in).'),
  })
  .superRefine((o, ctx) => {
    if (o.refreshToken && !o.scopes.includes('offline_access')) {
      ctx.addIssue({
        code: 'custom',
        path: ['scopes'],
        message:
          'refreshToken needs the offline_access scope (INDIGO IAM issues no refresh token without it); add offline_access or set refreshToken: false',
      });
    }
  })
  .describe('Grafana generic OAuth login.');

/** A PostgreSQL identifier Grafana's ini and psql take without quoting. */
const pgIdentifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'expected a lower-case PostgreSQL identifier (letters, digits, _; at most 63)' });

const grafanaDatabaseSchema = z
  .strictObject({
    type: z
      .enum(['sqlite3', 'postgres'])
      .default('sqlite3')
      .describe('sqlite3: a file on the node (one Grafana node only); postgres: one database every Grafana node shares.'),
    host: hostPort
      .optional()
      .describe('postgres: host:port of the PostgreSQL server. An address needs no name resolution on the Grafana nodes.'),
    name: pgIdentifier.default('grafana').describe('postgres: the database.'),
    user: pgIdentifier.default('grafana').describe('postgres: the role Grafana logs in as (owner of the database, nothing else).'),
    password: secretRef.optional().describe("postgres: the role's password."),
    sslMode: z
      .enum(['require', 'verify-ca', 'verify-full'])
      .default('verify-full')
      .describe('postgres: TLS to the server (never off); verify-full checks the certificate and its name.'),
    caFile: absolutePath
      .optional()
      .describe(
        "postgres: CA bundle on the Grafana nodes that signed the server's certificate. @default /etc/ssl/certs/ca-certificates.crt",
      ),
    serverName: hostname
      .optional()
      .describe("postgres: the name verify-full checks in the server's certificate. @default the host part of host"),
  })
  .superRefine((d, ctx) => {
    if (d.type === 'postgres') {
      for (const key of ['host', 'password'] as const)
        if (d[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'required when type is postgres' });
    } else {
      for (const key of ['host', 'password', 'caFile', 'serverName'] as const)
        if (d[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only for type postgres' });
    }
  })
  .prefault({})
  .describe(
    "Grafana's database (users, sessions, API tokens, preferences). Several Grafana nodes must share one (postgres); each keeping its own SQLite file would diverge.",
  );

export const environmentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: name.optional().describe('Environment name. @default the file name without extension'),
    extends: z.string().optional().describe('A base environment file (relative path) this one overrides.'),
    domain: hostname.describe('Public domain; services live at grafana.<domain>, kibana.<domain>, ...'),
    internalDomain: hostname.optional().describe('DNS suffix of node names on the private network. @default "internal.<domain>"'),
    pathPrefix: z
      .string()
      .refine((v) => v === '' || portablePath.safeParse(v.replaceAll('{node}', 'node')).success, {
        // The same rule as every other path ("{node}" aside), with its message.
        error: (issue) =>
          portablePath.safeParse(String(issue.input).replaceAll('{node}', 'node')).error?.issues[0]?.message ??
          'expected an absolute path or ""',
      })
      .default('')
      .describe('Re-roots every rendered path; "{node}" is replaced by the node name (for loopback test stacks).'),
    nodes: z.array(nodeSchema).min(1),
    ssh: sshDefaultsSchema.optional(),
    ports: portsSchema.prefault({}),
    tls: z.strictObject({
      public: publicTlsSchema,
      internal: internalTlsSchema.prefault({}),
      hsts: z
        .strictObject({
          includeSubDomains: z
            .boolean()
            .default(false)
            .describe(
              "Add includeSubDomains to the edge's Strict-Transport-Security header: only when every host under the domain speaks HTTPS.",
            ),
        })
        .prefault({})
        .describe('HTTP Strict Transport Security sent by the edge (max-age two years).'),
    }),
    users: z.array(userSchema).min(1).describe('Basic-auth users of every route except Grafana.'),
    serviceAccounts: z.strictObject({
      grafana: serviceAccountSchema.describe('Grafana -> Prometheus datasource.'),
      prometheus: serviceAccountSchema.describe('Prometheus -> Alertmanager, exporters and itself.'),
    }),
    grafana: z.strictObject({
      adminPassword: secretRef,
      secretKey: secretRef
        .optional()
        .describe(
          'Key Grafana signs and encrypts its stored secrets with; shared by every Grafana node. Without it Grafana uses its well-known default.',
        ),
      oauth: oauthSchema,
      database: grafanaDatabaseSchema,
    }),
    alerting: z
      .strictObject({
        slack: z
          .strictObject({
            webhookUrl: secretRef.describe('Incoming-webhook URL (a secret).'),
            channel: z.string().regex(/^[#@][\w.-]+$/, { message: 'expected a channel like #alerts' }),
          })
          .optional(),
        email: z
          .strictObject({
            to: z.array(email).min(1),
            from: email,
            smarthost: hostPort,
            username: z.string().optional(),
            password: secretRef.optional(),
            requireTls: z.boolean().default(true),
          })
          .optional(),
        deadMansSwitch: z
          .strictObject({
            url: secretRef.describe(
              "URL of an external dead-man's-switch service that raises its own alarm when it stops being called (a secret).",
            ),
            interval: interval
              .default('5m')
              .describe('How often Alertmanager calls it while the always-firing Watchdog alert is delivered.'),
          })
          .optional()
          .describe('Where the always-firing Watchdog alert is sent, so that a monitoring stack unable to notify is noticed from outside.'),
        groupWait: interval.default('10s'),
        groupInterval: interval.default('5m'),
        repeatInterval: interval.default('3h'),
      })
      .refine((a) => a.slack !== undefined || a.email !== undefined, { message: 'at least one of slack or email is required' }),
    chatops: z.strictObject({
      image: z
        .string()
        .regex(/^[\w.-]+(:\d+)?(\/[\w.-]+)+(:[\w.-]+)?(@sha256:[a-f0-9]{64})?$/, { message: 'expected a container image reference' }),
      instancesPerNode: z.number().int().min(1).max(32).default(2),
      healthPath: z
        .string()
        .regex(/^\/[^\s]*$/, { message: 'expected an absolute URL path' })
        .default('/health'),
      config: z.record(z.string(), z.unknown()).default({}).describe("The app's config.yml (no secrets)."),
      secrets: z
        .record(
          z.string().regex(/^[A-Za-z_][\w]*$/, {
            message: 'expected a variable name: ASCII letters, digits and _, not starting with a digit',
          }),
          secretRef,
        )
        .default({})
        .describe("The app's secrets.yml, by reference."),
      container: z
        .strictObject({
          user: z
            .string()
            .regex(/^\d+:\d+$/, { message: 'expected numeric uid:gid' })
            .default('65534:65534')
            .describe(
              'uid:gid the app runs as in its container (its secrets.yml is given to that uid); 0:0 only if the image cannot run otherwise.',
            ),
          memory: z
            .string()
            .regex(/^[1-9]\d*[kmg]$/, { message: 'expected a size like 512m or 1g' })
            .default('512m')
            .describe('Memory limit of each container (docker --memory; swap is not added on top).'),
          pidsLimit: z
            .number()
            .int()
            .min(16)
            .max(65536)
            .default(256)
            .describe('Most processes and threads in each container (docker --pids-limit).'),
          tmpfs: z
            .array(z.string().regex(/^\/[\w.-]+(\/[\w.-]+)*$/, { message: 'expected an absolute path' }))
            .default(['/tmp'])
            .describe('Writable in-memory directories (noexec, nosuid, 64 MiB each) of the otherwise read-only container.'),
        })
        .prefault({})
        .describe('How each app container is confined (it always runs read-only, without capabilities, with no-new-privileges).'),
    }),
    prometheus: z
      .strictObject({
        retention: interval.default('30d'),
        retentionSize: z
          .string()
          .regex(/^[1-9]\d*(KB|MB|GB|TB|PB)$/, { message: 'expected a size such as 20GB' })
          .default('20GB')
          .describe(
            'The most the TSDB may keep on disk (--storage.tsdb.retention.size): the oldest blocks go first, whichever of retention and this comes first. Keep it well under the data volume.',
          ),
        scrapeInterval: interval.default('15s'),
        evaluationInterval: interval.default('15s'),
        dataPath: portablePath.default('/var/lib/prometheus/metrics2'),
        alertFor: z
          .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an alert name such as NodeDown' }), duration)
          .default({})
          .describe(
            "How long each named default alert must hold before it fires (the rule's `for`), replacing the stack's own delay, e.g. { NodeDown: 5m }.",
          ),
      })
      .prefault({}),
    elastic: z.strictObject({
      clusterName: z
        .string()
        .regex(/^[\w-]+$/)
        .default('chatops'),
      dataPath: portablePath.default('/var/lib/elasticsearch'),
      logPath: portablePath.default('/var/log/elasticsearch'),
      retention: z
        .string()
        .regex(/^[1-9]\d*d$/, { message: 'expected a whole number of days, e.g. 30d' })
        .default('30d')
        .describe('How long log indices are kept before Elasticsearch deletes them (ILM delete phase).'),
      elasticPassword: secretRef.describe('Password of the built-in elastic superuser.'),
      kibanaSystemPassword: secretRef.describe('Password of the built-in kibana_system user.'),
      logstashPassword: secretRef.describe('Password of the logstash_writer user.'),
    }),
  })
  .describe('One ChatOps deployment: every config of the stack is derived from this.');

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentDocument = z.output<typeof environmentSchema>;
export type NodeSpec = z.output<typeof nodeSchema>;
export type Ports = z.output<typeof portsSchema>;
export type SshDefaults = z.output<typeof sshDefaultsSchema>;
export type SshTargetSpec = z.output<typeof sshTargetSchema>;
export type User = z.output<typeof userSchema>;
export type ServiceAccount = z.output<typeof serviceAccountSchema>;
