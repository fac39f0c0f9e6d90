import { argsVariable, durationMs, printEnvFile } from '@chatops/core';
import {
  type Environment,
  type NodeSpec,
  metricsEndpoints,
  probeTargets,
  webUsers,
  nodeFqdn,
  nodeWithRole,
  nodesWithRole,
  unitsOn,
} from '@chatops/environment';
import { type WebConfig, exactRegex, mutualTlsServerConfig } from '@chatops/prometheus-common';
import type { PrometheusConfig, RelabelConfig, ScrapeConfig } from './prometheus-config.js';

/** Node paths the stack's Prometheus config refers to. */
export interface StackMonitoringPaths {
  /** Our CA bundle. */
  readonly caFile: string;
  /** File holding the Prometheus service account's password. */
  readonly passwordFile: string;
  /** Rule files to load. */
  readonly ruleFiles: readonly string[];
  /** Prometheus' client leaf (clientAuth), presented to every target: exporters require it (mutual TLS). @default none */
  readonly clientCert?: { readonly certFile: string; readonly keyFile: string };
}

/** The systemd exporter's per-unit metrics the default rules alert on (`placedUnitsRelabeling` filters them). */
const PER_UNIT_METRICS = 'systemd_unit_state|systemd_service_restart_total';

/**
 * Metric relabeling of a node's systemd exporter: keeps `systemd_unit_state` and `systemd_service_restart_total`
 * only for the units placed on the node (`unitsOn`), so that `SystemdUnitDown` and `SystemdUnitCrashLooping` are
 * constant expressions over the fleet (any failed, inactive or restarting unit Prometheus stores must run).
 * Other series pass unchanged.
 */
export function placedUnitsRelabeling(units: readonly string[]): RelabelConfig[] {
  const mark = '__tmp_chatops_placed';
  return [
    {
      source_labels: ['__name__', 'name'],
      regex: `(?:${PER_UNIT_METRICS});(?:${exactRegex([...new Set(units)])})`,
      target_label: mark,
      replacement: 'yes',
    },
    { source_labels: ['__name__', mark], regex: `(?:${PER_UNIT_METRICS});`, action: 'drop' },
    { regex: mark, action: 'labeldrop' },
  ];
}

/**
 * The stack's `prometheus.yml`: one scrape config per metrics endpoint of `metricsEndpoints(env)` (targets by
 * address, `server_name` = the node's FQDN so the certificate's DNS name verifies, our CA, the Prometheus service
 * account where the endpoint wants it), labelled `job` and `node`; Alertmanager over TLS with the same account;
 * the environment as external label; intervals from `env.prometheus`.
 */
export function stackPrometheusConfig(env: Environment, paths: StackMonitoringPaths): PrometheusConfig {
  const account = env.serviceAccounts.prometheus.name;
  const auth = { username: account, password_file: paths.passwordFile };
  const client = paths.clientCert ? { cert_file: paths.clientCert.certFile, key_file: paths.clientCert.keyFile } : {};
  const tls = (node: NodeSpec) => ({ ca_file: paths.caFile, ...client, server_name: nodeFqdn(env, node) });
  const scrapeConfigs: ScrapeConfig[] = metricsEndpoints(env).map((e) => ({
    // One scrape config per target: tls_config.server_name is per config, and targets are addressed by IP.
    job_name: `${e.job}/${e.node.name}`,
    metrics_path: e.path,
    scheme: e.scheme,
    ...(e.basicAuth ? { basic_auth: auth } : {}),
    tls_config: tls(e.node),
    static_configs: [{ targets: [`${e.node.address}:${e.port}`], labels: { job: e.job, node: e.node.name } }],
    ...(e.service === 'systemd-exporter' ? { metric_relabel_configs: placedUnitsRelabeling(unitsOn(env, e.node)) } : {}),
  }));
  // Probes go through the blackbox exporter's own endpoint (TLS, basic auth); `up` of a probe job is the
  // exporter's, labelled with its node, and `target_node` names the node whose endpoint is probed.
  const blackbox = metricsEndpoints(env).find((e) => e.service === 'blackbox-exporter');
  const probes: ScrapeConfig[] = blackbox
    ? probeTargets(env).map((t) => ({
        job_name: t.proxy ? `${t.job}/${t.serverName}` : `${t.job}/${t.node.name}/${t.target}`,
        metrics_path: '/probe',
        scheme: 'https',
        params: { module: [t.module], target: [t.target] },
        basic_auth: auth,
        tls_config: tls(blackbox.node),
        static_configs: [
          {
            targets: [`${blackbox.node.address}:${blackbox.port}`],
            labels: {
              job: t.job,
              node: blackbox.node.name,
              instance: t.instance,
              target_node: t.node.name,
              service: t.service,
              ...(t.proxy ? { proxy: t.proxy } : {}),
            },
          },
        ],
      }))
    : [];
  const alertmanagers = nodesWithRole(env, 'alertmanager').map((node) => ({
    scheme: 'https' as const,
    api_version: 'v2' as const,
    basic_auth: auth,
    tls_config: tls(node),
    static_configs: [{ targets: [`${node.address}:${env.ports.alertmanager}`] }],
  }));
  return {
    global: {
      scrape_interval: env.prometheus.scrapeInterval,
      // Prometheus' default (10s) must not exceed a short scrape interval.
      ...(durationMs(env.prometheus.scrapeInterval) < 10_000 ? { scrape_timeout: env.prometheus.scrapeInterval } : {}),
      evaluation_interval: env.prometheus.evaluationInterval,
      external_labels: { environment: env.name },
    },
    rule_files: [...paths.ruleFiles],
    ...(alertmanagers.length > 0 ? { alerting: { alertmanagers } } : {}),
    scrape_configs: [...scrapeConfigs, ...probes],
  };
}

/**
 * The stack's `web.yml`: TLS with Prometheus' own leaf, and bcrypt basic auth for the environment's users and both
 * service accounts (Grafana's datasource, and Prometheus scraping itself).
 */
export function stackWebConfig(env: Environment, tls: { certFile: string; keyFile: string; caFile: string }): WebConfig {
  // Grafana's datasource and Prometheus scraping itself log in as their service accounts.
  const users = webUsers(env, ['grafana', 'prometheus']);
  return {
    // Mutual TLS: only a client certificate from our CA with clientAuth usage gets to basic auth (Grafana's
    // datasource, HAProxy's backend, Prometheus scraping itself, the blackbox exporter's probe, deploy's health check).
    tls_server_config: mutualTlsServerConfig(tls),
    basic_auth_users: users,
  };
}

/** Command-line flags of the Prometheus daemon (Debian's unit passes `$ARGS` from `/etc/default/prometheus`). */
export interface PrometheusFlags {
  readonly configFile: string;
  readonly webConfigFile: string;
  readonly listenAddress: string;
  /** Public URL Prometheus is reached at (through HAProxy); used in links of alerts and the UI. @default undefined */
  readonly externalUrl?: string;
  readonly storagePath: string;
  readonly retention: string;
  /** `--storage.tsdb.retention.size`, e.g. `20GB`. @default none */
  readonly retentionSize?: string;
}

export function prometheusArgs(flags: PrometheusFlags): string[] {
  return [
    `--config.file=${flags.configFile}`,
    `--web.config.file=${flags.webConfigFile}`,
    `--web.listen-address=${flags.listenAddress}`,
    ...(flags.externalUrl ? [`--web.external-url=${flags.externalUrl}`] : []),
    `--storage.tsdb.path=${flags.storagePath}`,
    `--storage.tsdb.retention.time=${flags.retention}`,
    ...(flags.retentionSize ? [`--storage.tsdb.retention.size=${flags.retentionSize}`] : []),
  ];
}

/** `/etc/default/prometheus` as Debian's `prometheus.service` reads it (`EnvironmentFile=`, `$ARGS`). */
export function printPrometheusDefaults(flags: PrometheusFlags): string {
  return printEnvFile(
    { ARGS: argsVariable(prometheusArgs(flags)) },
    { header: 'Rendered by @chatops/prometheus-rules: flags of prometheus.service (read through EnvironmentFile).' },
  );
}

/** The node that runs Prometheus. */
export function prometheusNode(env: Environment): NodeSpec {
  return nodeWithRole(env, 'prometheus');
}
