import { type Artifact, ConfigError, artifact, placeSecret, printUnitFile, sandbox } from '@chatops/core';
import {
  type NodeSpec,
  type RenderContext,
  type ServiceOutput,
  type ServiceRenderer,
  clientCertificate,
  clientTlsFiles,
  nodePath,
  publicUrl,
  serviceCertificate,
  tlsFiles,
} from '@chatops/environment';
import { type DefaultRulesOptions, defaultAlertRules } from './default-rules.js';
import { type PrometheusConfig, printPrometheusConfig } from './prometheus-config.js';
import { printRuleFile } from './rule-file.js';
import { printPrometheusDefaults, stackPrometheusConfig, stackWebConfig } from './stack-monitoring.js';
import { type WebConfig, printWebConfig } from '@chatops/prometheus-common';
import { prometheusFacts } from './facts.js';

/** Where the stack's Prometheus files live on the node (before the environment's path prefix). */
export const PROMETHEUS_PATHS = {
  config: '/etc/prometheus/prometheus.yml',
  web: '/etc/prometheus/web.yml',
  rules: '/etc/prometheus/rules/chatops.rules.yml',
  password: '/etc/prometheus/secrets/prometheus-password',
  defaults: '/etc/default/prometheus',
  /** Our drop-in on Debian's `prometheus.service`: its sandbox. */
  dropIn: '/etc/systemd/system/prometheus.service.d/chatops.conf',
} as const;

const HEADER = 'Rendered by @chatops/prometheus-rules from the environment. Do not edit: changes are overwritten.';

export interface PrometheusRendererOptions {
  /** Options of the default alert rules (e.g. a short `for` in end-to-end tests). @default {} */
  readonly rules?: DefaultRulesOptions;
}

/** Every file a config references must be rendered alongside it, or be a secret already on the node. */
function checkReferences(config: PrometheusConfig, web: WebConfig, present: ReadonlySet<string>): void {
  const refs: [string, (string | number)[]][] = [];
  config.rule_files?.forEach((f, i) => refs.push([f, ['rule_files', i]]));
  const client = (
    c: { tls_config?: { ca_file?: string | undefined } | undefined; basic_auth?: { password_file: string } | undefined },
    path: (string | number)[],
  ) => {
    if (c.tls_config?.ca_file) refs.push([c.tls_config.ca_file, [...path, 'tls_config', 'ca_file']]);
    if (c.basic_auth) refs.push([c.basic_auth.password_file, [...path, 'basic_auth', 'password_file']]);
  };
  config.scrape_configs?.forEach((s) => client(s, ['scrape_configs', s.job_name]));
  config.alerting?.alertmanagers?.forEach((a, i) => client(a, ['alerting', 'alertmanagers', i]));
  if (web.tls_server_config) {
    refs.push([web.tls_server_config.cert_file, ['web', 'tls_server_config', 'cert_file']]);
    refs.push([web.tls_server_config.key_file, ['web', 'tls_server_config', 'key_file']]);
  }
  const missing = refs.filter(([file]) => !present.has(file));
  if (missing.length > 0) {
    throw new ConfigError(missing.map(([file, path]) => ({ path, message: `refers to ${file}, which nothing renders or provisions` })));
  }
}

/** Renders Prometheus on a node: config, web config, rules, the service account's password, TLS files and flags. */
export function renderPrometheus(node: NodeSpec, ctx: RenderContext, options: PrometheusRendererOptions = {}): ServiceOutput {
  const { env } = ctx;
  const p = (path: string) => nodePath(env, node, path);
  const service = 'prometheus';
  const tls = tlsFiles(ctx, node, service, { owner: 'prometheus' });
  // The client leaf Prometheus presents to the exporters, cAdvisor's terminator and the blackbox exporter.
  const client = clientTlsFiles(ctx, node, service, { owner: 'prometheus' });
  const secret = placeSecret(env.serviceAccounts.prometheus.password, ctx.secrets, {
    path: p(PROMETHEUS_PATHS.password),
    service,
    owner: 'prometheus',
    group: 'prometheus',
  });
  const paths = {
    config: p(PROMETHEUS_PATHS.config),
    web: p(PROMETHEUS_PATHS.web),
    rules: p(PROMETHEUS_PATHS.rules),
    defaults: p(PROMETHEUS_PATHS.defaults),
  };
  const config = stackPrometheusConfig(env, {
    caFile: tls.caFile,
    passwordFile: secret.path,
    ruleFiles: [paths.rules],
    clientCert: client,
  });
  const web = stackWebConfig(env, { certFile: tls.certFile, keyFile: tls.keyFile, caFile: tls.caFile });
  const rules = defaultAlertRules(env, options.rules);

  const present = new Set<string>([...tls.artifacts.map((a) => a.path), secret.path, paths.rules]);
  checkReferences(config, web, present);

  const artifacts: Artifact[] = [
    ...tls.artifacts,
    ...client.artifacts,
    ...secret.artifacts,
    artifact({ path: paths.config, content: printPrometheusConfig(config, { header: HEADER }), service }),
    artifact({ path: paths.rules, content: printRuleFile(rules, { header: HEADER }), service }),
    // bcrypt hashes are not secrets, but nobody else needs to read them.
    artifact({ path: paths.web, content: printWebConfig(web, { header: HEADER }), mode: '0640', group: 'prometheus', service }),
    // Debian's unit is already partly hardened (4.0); the drop-in restates its user and locks it down: only the
    // TSDB is writable, no capabilities, @system-service syscalls (a Go daemon: no writable executable memory).
    artifact({
      path: p(PROMETHEUS_PATHS.dropIn),
      content: printUnitFile(
        { Service: { User: 'prometheus', Group: 'prometheus', ...sandbox({ writable: [`-${p(env.prometheus.dataPath)}`] }) } },
        { header: HEADER },
      ),
      service,
      action: 'restart',
    }),
    artifact({
      path: paths.defaults,
      content: printPrometheusDefaults({
        configFile: paths.config,
        webConfigFile: paths.web,
        listenAddress: `${node.address}:${env.ports.prometheus}`,
        externalUrl: publicUrl(env, 'prometheus'),
        storagePath: p(env.prometheus.dataPath),
        retention: env.prometheus.retention,
        retentionSize: env.prometheus.retentionSize,
      }),
      service,
      action: 'restart',
    }),
  ];
  return {
    artifacts,
    checks: [
      { name: 'promtool check config', command: 'promtool', args: ['check', 'config', paths.config] },
      { name: 'promtool check rules', command: 'promtool', args: ['check', 'rules', paths.rules] },
      { name: 'promtool check web-config', command: 'promtool', args: ['check', 'web-config', paths.web] },
    ],
  };
}

/** The stack's Prometheus renderer; `options` tune the default rules (the registry uses the defaults). */
export function createPrometheusRenderer(options: PrometheusRendererOptions = {}): ServiceRenderer {
  return {
    // After what it alerts to and scrapes.
    ...prometheusFacts,
    securityBudgets: { 'prometheus.service': { max: 1.5 } }, // systemd 252: 1.1 (Debian's unit alone: 4.0)
    certificates: (env, node) => [
      serviceCertificate(env, node, 'prometheus', { loopback: true }),
      clientCertificate(env, node, 'prometheus'),
    ],
    render: (node, ctx) => renderPrometheus(node, ctx, options),
  };
}

/** Registered in `@chatops/stack`. */
export const prometheusRenderer: ServiceRenderer = createPrometheusRenderer();
