import { type Artifact, ConfigError, argsVariable, artifact, placeSecret, printEnvFile, printUnitFile, sandbox } from '@chatops/core';
import {
  type NativeCheck,
  type NodeSpec,
  type RenderContext,
  type ServiceRenderer,
  clientCertificate,
  clientTlsFiles,
  nodePath,
  publicUrl,
  serviceCertificate,
  tlsFiles,
  webUsers,
} from '@chatops/environment';
import { printAlertmanagerConfig } from './print-config.js';
import { SLACK_TEMPLATE } from './slack-template.js';
import { type StackAlertingProps, stackAlertmanagerConfig } from './stack-alerting.js';
import { mutualTlsServerConfig, printWebConfig } from '@chatops/prometheus-common';
import { ALERTMANAGER_USER, alertmanagerFacts } from './facts.js';

/** Where the stack puts Alertmanager's files on its node (Debian's `prometheus-alertmanager` package layout). */
export const ALERTMANAGER_PATHS = {
  config: '/etc/prometheus/alertmanager.yml',
  webConfig: '/etc/prometheus/alertmanager-web.yml',
  templatesDir: '/etc/prometheus/alertmanager_templates',
  defaults: '/etc/default/prometheus-alertmanager',
  secretsDir: '/etc/alertmanager/secrets',
  storage: '/var/lib/prometheus/alertmanager',
  /** Our drop-in on Debian's `prometheus-alertmanager.service`: its sandbox. */
  dropIn: '/etc/systemd/system/prometheus-alertmanager.service.d/chatops.conf',
} as const;

export { ALERTMANAGER_USER };

const SERVICE = 'alertmanager';
const HEADER = 'Rendered by @chatops/alertmanager-config from the environment. Do not edit by hand.';

/** Everything Alertmanager needs on its node, rendered purely from the environment and PKI material. */
export function renderAlertmanager(
  node: NodeSpec,
  ctx: RenderContext,
  props: StackAlertingProps = {},
): { artifacts: Artifact[]; checks: NativeCheck[] } {
  const { env } = ctx;
  const p = (path: string) => nodePath(env, node, path);
  const artifacts: Artifact[] = [];
  const secretOptions = { service: SERVICE, owner: ALERTMANAGER_USER, group: ALERTMANAGER_USER, mode: '0600', action: 'reload' as const };

  let slackApiUrlFile: string | undefined;
  if (env.alerting.slack) {
    const placed = placeSecret(env.alerting.slack.webhookUrl, ctx.secrets, {
      ...secretOptions,
      path: p(`${ALERTMANAGER_PATHS.secretsDir}/slack-webhook-url`),
    });
    slackApiUrlFile = placed.path;
    artifacts.push(...placed.artifacts);
  }
  let smtpPasswordFile: string | undefined;
  const email = env.alerting.email;
  if (email?.password) {
    if (!email.username)
      throw new ConfigError([
        {
          path: ['alerting', 'email', 'username'],
          message: 'an SMTP password needs a username: Alertmanager only authenticates when both are set',
        },
      ]);
    const placed = placeSecret(email.password, ctx.secrets, {
      ...secretOptions,
      path: p(`${ALERTMANAGER_PATHS.secretsDir}/smtp-password`),
    });
    smtpPasswordFile = placed.path;
    artifacts.push(...placed.artifacts);
  }

  let deadMansSwitchUrlFile: string | undefined;
  if (env.alerting.deadMansSwitch) {
    const placed = placeSecret(env.alerting.deadMansSwitch.url, ctx.secrets, {
      ...secretOptions,
      path: p(`${ALERTMANAGER_PATHS.secretsDir}/deadmansswitch-url`),
    });
    deadMansSwitchUrlFile = placed.path;
    artifacts.push(...placed.artifacts);
  }

  const templateFile = p(`${ALERTMANAGER_PATHS.templatesDir}/chatops.tmpl`);
  artifacts.push(artifact({ path: templateFile, content: SLACK_TEMPLATE, service: SERVICE }));

  const configFile = p(ALERTMANAGER_PATHS.config);
  const config = stackAlertmanagerConfig(
    env,
    { slackApiUrlFile, smtpPasswordFile, deadMansSwitchUrlFile, templates: [templateFile] },
    props,
  );
  artifacts.push(
    artifact({
      path: configFile,
      content: printAlertmanagerConfig(config, { header: HEADER }),
      service: SERVICE,
      owner: 'root',
      group: ALERTMANAGER_USER,
      mode: '0640',
    }),
  );

  const tls = tlsFiles(ctx, node, SERVICE, { owner: ALERTMANAGER_USER });
  artifacts.push(...tls.artifacts);
  // Alertmanager calls nothing inside the stack: its client leaf is what deploy's health check presents on this
  // node (root reads it; a new one restarts nothing).
  artifacts.push(...clientTlsFiles(ctx, node, SERVICE, { action: 'none' }).artifacts);
  const webFile = p(ALERTMANAGER_PATHS.webConfig);
  artifacts.push(
    artifact({
      path: webFile,
      content: printWebConfig(
        {
          // Mutual TLS: only a client certificate from our CA with clientAuth usage gets to basic auth (Prometheus'
          // alerts and scrapes, HAProxy's backend and health check, the blackbox exporter's probe, deploy's health check).
          tls_server_config: mutualTlsServerConfig(tls),
          basic_auth_users: webUsers(env, ['prometheus']),
        },
        { header: HEADER },
      ),
      service: SERVICE,
      owner: 'root',
      group: ALERTMANAGER_USER,
      mode: '0640',
      action: 'restart',
    }),
  );

  const args = [
    `--config.file=${configFile}`,
    `--web.config.file=${webFile}`,
    `--web.listen-address=${node.address.includes(':') ? `[${node.address}]` : node.address}:${env.ports.alertmanager}`,
    `--web.external-url=${publicUrl(env, 'alertmanager')}`,
    // No gossip: a single Alertmanager. Without this flag it would listen on 0.0.0.0:9094.
    '--cluster.listen-address=',
    `--storage.path=${`${p(ALERTMANAGER_PATHS.storage)}/`}`,
  ];
  artifacts.push(
    artifact({
      path: p(ALERTMANAGER_PATHS.defaults),
      content: printEnvFile(
        { ARGS: argsVariable(args) },
        { header: `${HEADER}\nRead by prometheus-alertmanager.service (EnvironmentFile).` },
      ),
      service: SERVICE,
      action: 'restart',
    }),
  );

  // Debian's unit has no sandbox: the drop-in restates its user and confines it (only its storage is writable,
  // no capabilities, @system-service syscalls; it reaches Slack and SMTP over IPv4/IPv6).
  artifacts.push(
    artifact({
      path: p(ALERTMANAGER_PATHS.dropIn),
      content: printUnitFile(
        {
          Service: {
            User: ALERTMANAGER_USER,
            Group: ALERTMANAGER_USER,
            ...sandbox({ writable: [`-${p(ALERTMANAGER_PATHS.storage)}`] }),
          },
        },
        { header: HEADER },
      ),
      service: SERVICE,
      action: 'restart',
    }),
  );

  return {
    artifacts,
    checks: [
      { name: 'amtool check-config', command: 'amtool', args: ['check-config', configFile] },
      { name: 'promtool check web-config (alertmanager)', command: 'promtool', args: ['check', 'web-config', webFile] },
    ],
  };
}

/** Creates the stack's Alertmanager renderer (options change the stack's routing conventions). */
export function createAlertmanagerRenderer(props: StackAlertingProps = {}): ServiceRenderer {
  return {
    ...alertmanagerFacts,
    securityBudgets: { 'prometheus-alertmanager.service': { max: 1.5 } }, // systemd 252: 1.1 (Debian's unit alone: 9.2)
    certificates: (env, node) => [serviceCertificate(env, node, SERVICE, { loopback: true }), clientCertificate(env, node, SERVICE)],
    render: (node, ctx) => renderAlertmanager(node, ctx, props),
  };
}

/** The stack's Alertmanager renderer: `/etc/prometheus/alertmanager.yml`, its web config, template, secrets and ARGS. */
export const alertmanagerRenderer: ServiceRenderer = createAlertmanagerRenderer();
