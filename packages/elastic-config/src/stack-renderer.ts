import { type Artifact, type UnitFileInput, artifact, execLine, placeSecret, printUnitFile, sandbox, shellQuote } from '@chatops/core';
import {
  type Environment,
  type NodeSpec,
  type RenderContext,
  type ServiceRenderer,
  caBundlePath,
  certificateId,
  clientCertificate,
  clientTlsFiles,
  nodePath,
  nodeWithRole,
  nodesWithRole,
  publicUrl,
  serviceCertificate,
  tlsFiles,
} from '@chatops/environment';
import { SHELL_HELPERS } from './_shell.js';
import { printElasticsearchYml } from './elasticsearch-yml.js';
import { printKibanaYml } from './kibana-yml.js';
import { LOG_LIFECYCLE, logIndexTemplate, logRetentionPolicy, printJsonBody } from './index-lifecycle.js';
import { LOGSTASH_WRITER, LOGSTASH_WRITER_ROLE, printRoleDescriptor } from './role-descriptor.js';
import { elasticsearchFacts, kibanaFacts } from './facts.js';

/** Where our Elastic helper scripts and role files live. */
export const ELASTIC_DIR = '/etc/chatops/elastic';
/** Where `env`/`file` secrets are placed (root 0600: only root-run helpers read them). */
export const ELASTIC_SECRETS_DIR = '/etc/chatops/secrets/elastic';

/** Node paths of the Elastic files (shared by both renderers and the tests). */
export function elasticPaths(env: Environment, node: NodeSpec) {
  const p = (f: string) => nodePath(env, node, f);
  return {
    elasticsearchYml: p('/etc/elasticsearch/elasticsearch.yml'),
    /** Elasticsearch only reads TLS files inside its config directory. */
    esCert: p('/etc/elasticsearch/certs/chatops.crt'),
    esKey: p('/etc/elasticsearch/certs/chatops.key'),
    esCa: p('/etc/elasticsearch/certs/chatops-ca.crt'),
    esKeystoreScript: p(`${ELASTIC_DIR}/elasticsearch-keystore.sh`),
    esDropIn: p('/etc/systemd/system/elasticsearch.service.d/chatops.conf'),
    setupScript: p(`${ELASTIC_DIR}/setup-security.sh`),
    setupUnit: p('/etc/systemd/system/elasticsearch-setup.service'),
    role: p(`${ELASTIC_DIR}/${LOGSTASH_WRITER}-role.json`),
    ilmPolicy: p(`${ELASTIC_DIR}/${LOG_LIFECYCLE}-ilm-policy.json`),
    indexTemplate: p(`${ELASTIC_DIR}/${LOG_LIFECYCLE}-index-template.json`),
    appliedElasticPassword: p('/var/lib/chatops/elastic/elastic-password.applied'),
    kibanaYml: p('/etc/kibana/kibana.yml'),
    kibanaKeystoreScript: p(`${ELASTIC_DIR}/kibana-keystore.sh`),
    kibanaDropIn: p('/etc/systemd/system/kibana.service.d/chatops.conf'),
    secret: (name: string) => p(`${ELASTIC_SECRETS_DIR}/${name}`),
  };
}

/** `https://<address>:<port>` of Elasticsearch (its certificate carries the address, so verification is full). */
export function elasticsearchUrl(env: Environment): string {
  const es = nodeWithRole(env, 'elasticsearch');
  return `https://${es.address}:${env.ports.elasticsearch}`;
}

function secrets(ctx: RenderContext, node: NodeSpec) {
  const { env } = ctx;
  const paths = elasticPaths(env, node);
  const place = (ref: Parameters<typeof placeSecret>[0], name: string, service: string) =>
    placeSecret(ref, ctx.secrets, { path: paths.secret(name), service, action: 'restart' });
  return {
    elastic: place(env.elastic.elasticPassword, 'elastic-password', 'elasticsearch-setup'),
    kibana: place(env.elastic.kibanaSystemPassword, 'kibana-system-password', 'elasticsearch-setup'),
    logstash: place(env.elastic.logstashPassword, 'logstash-writer-password', 'elasticsearch-setup'),
  };
}

/** Unit text goes through the one unit printer, which escapes every value by its type. */
const unitText = (unit: UnitFileInput) => printUnitFile(unit, { header: 'Rendered by @chatops/elastic-config: do not edit.' });
/**
 * A drop-in running a helper script as root (`+`, outside the sandbox) before the daemon starts, and confining the
 * daemon: it restates the package's user (so the drop-in alone decides the score) and may write only its data and
 * logs. JVM and Node.js JIT need writable executable memory and read host-wide /proc (memory, CPUs).
 */
const dropIn = (script: string, user: 'elasticsearch' | 'kibana') =>
  unitText({
    Service: {
      ExecStartPre: execLine([script], '+'),
      User: user,
      Group: user,
      ...sandbox({ writable: [`-/var/lib/${user}`, `-/var/log/${user}`], memoryDenyWriteExecute: false, hideProc: false }),
    },
  });
/** Budget of the JVM and Node.js daemons' drop-ins (see dropIn). */
const DAEMON_BUDGET = { max: 2.0 } as const; // systemd 252: 1.3

/**
 * A script run as root before an Elastic daemon starts: puts a secret read from a file into the daemon's keystore
 * (created when missing) under `setting`, the keystore readable by the daemon's group only.
 */
function keystoreScript(k: {
  readonly why: readonly string[];
  readonly daemon: 'elasticsearch' | 'kibana';
  readonly confVar: string;
  readonly confDir: string;
  readonly secretFile: string;
  readonly setting: string;
}): string {
  const store = `"$${k.confVar}/${k.daemon}.keystore"`;
  return `${[
    '#!/bin/sh',
    ...k.why.map((line) => `# ${line}`),
    'set -eu',
    ...SHELL_HELPERS,
    `keystore=/usr/share/${k.daemon}/bin/${k.daemon}-keystore`,
    `export ${k.confVar}="\${${k.confVar}:-${k.confDir}}"`,
    `test -f ${store} || "$keystore" create`,
    `read_secret ${shellQuote(k.secretFile)} | "$keystore" add --force --stdin ${k.setting}`,
    `chown root:${k.daemon} ${store}`,
    `chmod 0660 ${store}`,
  ].join('\n')}\n`;
}

function esKeystoreScript(elasticPassword: string): string {
  return keystoreScript({
    why: [
      "Rendered by @chatops/elastic-config. Run as root before Elasticsearch starts: puts the elastic user's",
      'password into the keystore as bootstrap.password (it takes effect until setup-security.sh persists it).',
    ],
    daemon: 'elasticsearch',
    confVar: 'ES_PATH_CONF',
    confDir: '/etc/elasticsearch',
    secretFile: elasticPassword,
    setting: 'bootstrap.password',
  });
}

/** The client whose certificate elasticsearch-setup presents to Elasticsearch (which requires one: mutual TLS). */
const SETUP_CLIENT = 'elasticsearch-setup';

function setupScript(
  env: Environment,
  paths: ReturnType<typeof elasticPaths>,
  s: ReturnType<typeof secrets>,
  client: { certFile: string; keyFile: string },
): string {
  return `${[
    '#!/bin/sh',
    '# Rendered by @chatops/elastic-config. Run as root once Elasticsearch is up (elasticsearch-setup.service):',
    '# sets the elastic password (rotating it through the API when it changed: bootstrap.password only counts',
    "# before the security index exists), kibana_system's password, the logstash_writer role and user, and the",
    "# log indices' ILM policy and index template. Passwords are read from their files and never appear on a",
    '# command line. Idempotent.',
    'set -eu',
    ...SHELL_HELPERS,
    `url=${shellQuote(elasticsearchUrl(env))}`,
    `ca=${shellQuote(paths.esCa)}`,
    '# Elasticsearch requires a client certificate from our CA (mutual TLS): this script presents its own.',
    `cert=${shellQuote(client.certFile)}`,
    `key=${shellQuote(client.keyFile)}`,
    `elastic=$(read_secret ${shellQuote(s.elastic.path)})`,
    '# The elastic password this script last set: the old password when the secret is rotated.',
    `applied=${shellQuote(paths.appliedElasticPassword)}`,
    'umask 077',
    'body=$(mktemp)',
    'trap \'rm -f "$body"\' EXIT',
    '# status PASSWORD METHOD PATH: sends $body as the elastic user and prints the HTTP status (000: no answer).',
    '# The credentials go to curl on stdin.',
    'status() {',
    '  printf \'user = "elastic:%s"\\n\' "$(escape "$1")" | curl --silent --config - --cacert "$ca" --cert "$cert" --key "$key" -o /dev/null -w \'%{http_code}\' \\',
    '    -X "$2" -H \'Content-Type: application/json\' --data-binary @"$body" "$url$3" || true',
    '}',
    '# api METHOD PATH: as status, with the current password; any answer but 2xx stops the script.',
    'api() {',
    '  code=$(status "$elastic" "$1" "$2")',
    '  case "$code" in 2??) ;; *) echo "Elasticsearch answered $code to $1 $2" >&2; exit 1 ;; esac',
    '}',
    'tries=0',
    'while :; do',
    '  printf \'{}\' > "$body"',
    '  code=$(status "$elastic" GET /_security/_authenticate)',
    '  [ "$code" != 200 ] || break',
    '  if [ "$code" = 401 ] && [ -s "$applied" ]; then',
    '    previous=$(read_secret "$applied")',
    '    if [ "$(status "$previous" GET /_security/_authenticate)" = 200 ]; then',
    '      printf \'{"password":"%s"}\' "$(escape "$elastic")" > "$body"',
    '      code=$(status "$previous" POST /_security/user/elastic/_password)',
    '      case "$code" in 2??) echo "rotated the elastic password"; continue ;; esac',
    '      echo "Elasticsearch answered $code when rotating the elastic password" >&2; exit 1',
    '    fi',
    '  fi',
    '  tries=$((tries + 1))',
    '  if [ "$tries" -ge 60 ]; then',
    '    echo "Elasticsearch did not accept the elastic user at $url (last answer: $code)." >&2',
    '    [ "$code" != 401 ] || echo "Neither the password in the secret file nor the one recorded in $applied works: reset it with elasticsearch-reset-password -u elastic -i" >&2',
    '    exit 1',
    '  fi',
    '  sleep 5',
    'done',
    'mkdir -p "$(dirname "$applied")"',
    'printf \'%s\\n\' "$elastic" > "$applied.tmp" && mv "$applied.tmp" "$applied"',
    'set_password() {',
    '  printf \'{"password":"%s"}\' "$(escape "$(read_secret "$2")")" > "$body"',
    '  api POST "/_security/user/$1/_password"',
    '}',
    `set_password kibana_system ${shellQuote(s.kibana.path)}`,
    `cp ${shellQuote(paths.role)} "$body"`,
    `api PUT /_security/role/${LOGSTASH_WRITER}`,
    `printf '{"password":"%s","roles":["${LOGSTASH_WRITER}"],"full_name":"Logstash writer"}' "$(escape "$(read_secret ${shellQuote(s.logstash.path)})")" > "$body"`,
    `api PUT /_security/user/${LOGSTASH_WRITER}`,
    `cp ${shellQuote(paths.ilmPolicy)} "$body"`,
    `api PUT /_ilm/policy/${LOG_LIFECYCLE}`,
    `cp ${shellQuote(paths.indexTemplate)} "$body"`,
    `api PUT /_index_template/${LOG_LIFECYCLE}`,
  ].join('\n')}\n`;
}

/**
 * Elasticsearch on its node: elasticsearch.yml (single node, security on, HTTP and transport TLS with our
 * certificate, copied into /etc/elasticsearch/certs where Elasticsearch may read it), a keystore helper that
 * seeds the elastic password, and `elasticsearch-setup.service` (oneshot) that sets `kibana_system`'s password
 * creates the `logstash_writer` role and user, and the log indices' retention policy and template, through the
 * API from the secret files.
 */
export const elasticsearchRenderer: ServiceRenderer = {
  ...elasticsearchFacts,
  securityBudgets: { 'elasticsearch.service': DAEMON_BUDGET, 'elasticsearch-setup.service': { max: 2.0 } }, // 1.6
  certificates: (env, node) => [
    serviceCertificate(env, node, 'elasticsearch', { usages: ['server', 'client'] }),
    clientCertificate(env, node, SETUP_CLIENT),
  ],
  render(node, ctx) {
    const { env, pki } = ctx;
    const paths = elasticPaths(env, node);
    const leaf = pki.leaf(certificateId(node, 'elasticsearch'));
    const s = secrets(ctx, node);
    const setupClient = clientTlsFiles(ctx, node, SETUP_CLIENT);
    const es = (props: { path: string; content: string; mode?: string; owner?: string; group?: string; secret?: boolean }) =>
      artifact({ owner: 'root', group: 'elasticsearch', mode: '0640', service: 'elasticsearch', action: 'restart', ...props });
    const ssl = (layer: 'http' | 'transport') => ({
      [`xpack.security.${layer}.ssl.enabled`]: true,
      [`xpack.security.${layer}.ssl.key`]: paths.esKey,
      [`xpack.security.${layer}.ssl.certificate`]: paths.esCert,
      [`xpack.security.${layer}.ssl.certificate_authorities`]: [paths.esCa],
      ...(layer === 'transport' ? { 'xpack.security.transport.ssl.verification_mode': 'certificate' as const } : {}),
      // Mutual TLS on the REST API: only clients with a certificate from our CA (Kibana, Logstash, elasticsearch-setup,
      // the blackbox exporter's probe) complete the handshake; passwords still apply. Setting and values:
      // https://www.elastic.co/guide/en/elasticsearch/reference/current/security-settings.html#http-tls-ssl-settings
      ...(layer === 'http' ? { 'xpack.security.http.ssl.client_authentication': 'required' as const } : {}),
    });
    const artifacts: Artifact[] = [
      es({
        path: paths.elasticsearchYml,
        content: printElasticsearchYml({
          'cluster.name': env.elastic.clusterName,
          'node.name': node.name,
          'path.data': nodePath(env, node, env.elastic.dataPath),
          'path.logs': nodePath(env, node, env.elastic.logPath),
          'network.host': node.address,
          'http.port': env.ports.elasticsearch,
          'discovery.type': 'single-node',
          'xpack.security.enabled': true,
          'xpack.security.enrollment.enabled': false,
          ...ssl('http'),
          ...ssl('transport'),
        }),
      }),
      es({ path: paths.esCert, content: leaf.cert + leaf.chain }),
      // Private keys are 0600, owned by the daemon that reads them.
      es({ path: paths.esKey, content: leaf.key, secret: true, mode: '0600', owner: 'elasticsearch', group: 'elasticsearch' }),
      es({ path: paths.esCa, content: pki.caCert }),
      artifact({
        path: paths.esKeystoreScript,
        content: esKeystoreScript(s.elastic.path),
        mode: '0755',
        service: 'elasticsearch',
        action: 'restart',
      }),
      artifact({
        path: paths.esDropIn,
        content: dropIn(paths.esKeystoreScript, 'elasticsearch'),
        service: 'elasticsearch',
        action: 'restart',
      }),
      ...s.elastic.artifacts,
      ...s.kibana.artifacts,
      ...s.logstash.artifacts,
      ...setupClient.artifacts,
      artifact({ path: paths.role, content: printRoleDescriptor(LOGSTASH_WRITER_ROLE), service: 'elasticsearch-setup', action: 'restart' }),
      artifact({
        path: paths.ilmPolicy,
        content: printJsonBody(logRetentionPolicy(env.elastic.retention)),
        service: 'elasticsearch-setup',
        action: 'restart',
      }),
      artifact({
        path: paths.indexTemplate,
        content: printJsonBody(logIndexTemplate({ dataNodes: nodesWithRole(env, 'elasticsearch').length })),
        service: 'elasticsearch-setup',
        action: 'restart',
      }),
      artifact({
        path: paths.setupScript,
        content: setupScript(env, paths, s, setupClient),
        mode: '0755',
        service: 'elasticsearch-setup',
        action: 'restart',
      }),
      artifact({
        path: paths.setupUnit,
        content: unitText({
          Unit: {
            Description: 'Elasticsearch users and roles for Kibana and Logstash (rendered by @chatops/elastic-config)',
            Requires: 'elasticsearch.service',
            After: 'elasticsearch.service',
          },
          Service: {
            Type: 'oneshot',
            RemainAfterExit: 'yes',
            ExecStart: execLine([paths.setupScript]),
            TimeoutStartSec: '600',
            // Root (reads the root-only secret files) without capabilities: curl to Elasticsearch, and the applied
            // password under its state directory.
            StateDirectory: 'chatops/elastic',
            ...sandbox({ root: true }),
          },
          Install: { WantedBy: 'multi-user.target' },
        }),
        service: 'elasticsearch-setup',
        action: 'restart',
      }),
    ];
    return { artifacts };
  },
};

function kibanaKeystoreScript(passwordFile: string): string {
  return keystoreScript({
    why: [
      "Rendered by @chatops/elastic-config. Run as root before Kibana starts: puts kibana_system's password into",
      'the Kibana keystore as elasticsearch.password (kibana.yml never holds it).',
    ],
    daemon: 'kibana',
    confVar: 'KBN_PATH_CONF',
    confDir: '/etc/kibana',
    secretFile: passwordFile,
    setting: 'elasticsearch.password',
  });
}

/**
 * Kibana: kibana.yml serving HTTPS with our certificate at `https://kibana.<domain>`, connecting to
 * Elasticsearch over TLS (full verification against our CA) as `kibana_system`, whose password a start-time
 * helper puts in the Kibana keystore.
 */
export const kibanaRenderer: ServiceRenderer = {
  ...kibanaFacts,
  securityBudgets: { 'kibana.service': DAEMON_BUDGET },
  certificates: (env, node) => [serviceCertificate(env, node, 'kibana'), clientCertificate(env, node, 'kibana')],
  render(node, ctx) {
    const { env } = ctx;
    const paths = elasticPaths(env, node);
    const tls = tlsFiles(ctx, node, 'kibana', { owner: 'kibana', action: 'restart' });
    // The client leaf Kibana presents to Elasticsearch (which requires one: mutual TLS).
    const client = clientTlsFiles(ctx, node, 'kibana', { owner: 'kibana', action: 'restart' });
    const password = placeSecret(env.elastic.kibanaSystemPassword, ctx.secrets, {
      path: paths.secret('kibana-system-password'),
      service: 'kibana',
      action: 'restart',
    });
    const artifacts: Artifact[] = [
      ...tls.artifacts,
      ...client.artifacts,
      ...password.artifacts,
      artifact({
        path: paths.kibanaYml,
        content: printKibanaYml({
          'server.host': node.address,
          'server.port': env.ports.kibana,
          'server.name': node.name,
          'server.publicBaseUrl': publicUrl(env, 'kibana', ''),
          'server.ssl.enabled': true,
          'server.ssl.certificate': tls.certFile,
          'server.ssl.key': tls.keyFile,
          // Mutual TLS: only clients with a certificate from our CA (HAProxy's routes and health checks, the blackbox
          // exporter's probe, deploy's health check) complete the handshake. Settings:
          // https://www.elastic.co/guide/en/kibana/current/settings.html (server.ssl.clientAuthentication)
          'server.ssl.certificateAuthorities': [tls.caFile],
          'server.ssl.clientAuthentication': 'required',
          'elasticsearch.hosts': [elasticsearchUrl(env)],
          'elasticsearch.username': 'kibana_system',
          'elasticsearch.ssl.certificateAuthorities': [caBundlePath(ctx, node)],
          'elasticsearch.ssl.verificationMode': 'full',
          'elasticsearch.ssl.certificate': client.certFile,
          'elasticsearch.ssl.key': client.keyFile,
          // Also on the requests made for logged-in users (Kibana leaves it off them by default): Elasticsearch
          // requires a client certificate on every connection.
          'elasticsearch.ssl.alwaysPresentCertificate': true,
        }),
        mode: '0640',
        owner: 'root',
        group: 'kibana',
        service: 'kibana',
        action: 'restart',
      }),
      artifact({
        path: paths.kibanaKeystoreScript,
        content: kibanaKeystoreScript(password.path),
        mode: '0755',
        service: 'kibana',
        action: 'restart',
      }),
      artifact({ path: paths.kibanaDropIn, content: dropIn(paths.kibanaKeystoreScript, 'kibana'), service: 'kibana', action: 'restart' }),
    ];
    return { artifacts };
  },
};
