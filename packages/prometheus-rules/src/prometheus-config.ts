import { type Diagnostic, absolutePath, durationMs, hostPort, labelName, toYaml, validateWith } from '@chatops/core';
import { z } from 'zod';
import { re2Error } from '@chatops/prometheus-common';
import { labelMap, promDuration } from './rule-file.js';

const labelSet = labelMap;

/** `tls_config` of a scrape job or Alertmanager client. `insecure_skip_verify` is deliberately not modelled. */
export const tlsConfigSchema = z.strictObject({
  /** CA bundle the server's certificate must chain to. */
  ca_file: absolutePath.optional(),
  /** Client certificate (mutual TLS). */
  cert_file: absolutePath.optional(),
  key_file: absolutePath.optional(),
  /** Name the server's certificate must carry (SNI and verification), e.g. when targets are IP addresses. */
  server_name: z.string().min(1).optional(),
  /** @default 'TLS12' */
  min_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
});
export type TlsConfig = z.infer<typeof tlsConfigSchema>;

/** HTTP basic auth; the password only ever through `password_file` (secrets never inline). */
export const basicAuthSchema = z.strictObject({
  username: z.string().min(1),
  password_file: absolutePath,
});
export type BasicAuth = z.infer<typeof basicAuthSchema>;

export const staticConfigSchema = z.strictObject({
  targets: z.array(hostPort).min(1),
  labels: labelSet.optional(),
});
export type StaticConfig = z.infer<typeof staticConfigSchema>;

export const fileSdConfigSchema = z.strictObject({
  /** Files (globs allowed in the last path element) with target groups, JSON or YAML. */
  files: z.array(z.string().regex(/\.(json|ya?ml)$/, { message: 'file_sd files must end in .json, .yml or .yaml' })).min(1),
  /** @default '5m' */
  refresh_interval: promDuration.optional(),
});
export type FileSdConfig = z.infer<typeof fileSdConfigSchema>;

export const relabelConfigSchema = z.strictObject({
  source_labels: z.array(labelName).optional(),
  /** @default ';' */
  separator: z.string().optional(),
  target_label: z.string().min(1).optional(),
  /** RE2 regular expression, anchored. @default '(.*)' */
  regex: z.string().optional(),
  modulus: z.number().int().positive().optional(),
  /** @default '$1' */
  replacement: z.string().optional(),
  /** @default 'replace' */
  action: z
    .enum(['replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase'])
    .optional(),
});
export type RelabelConfig = z.infer<typeof relabelConfigSchema>;

export const scrapeConfigSchema = z.strictObject({
  job_name: z.string().min(1),
  /** @default global.scrape_interval */
  scrape_interval: promDuration.optional(),
  /** @default global.scrape_timeout */
  scrape_timeout: promDuration.optional(),
  /** @default '/metrics' */
  metrics_path: z.string().startsWith('/').optional(),
  /** @default 'http' */
  scheme: z.enum(['http', 'https']).optional(),
  /** @default false */
  honor_labels: z.boolean().optional(),
  /** @default true */
  honor_timestamps: z.boolean().optional(),
  params: z.record(z.string(), z.array(z.string())).optional(),
  basic_auth: basicAuthSchema.optional(),
  tls_config: tlsConfigSchema.optional(),
  /** @default true */
  follow_redirects: z.boolean().optional(),
  /** @default true */
  enable_http2: z.boolean().optional(),
  static_configs: z.array(staticConfigSchema).optional(),
  file_sd_configs: z.array(fileSdConfigSchema).optional(),
  relabel_configs: z.array(relabelConfigSchema).optional(),
  metric_relabel_configs: z.array(relabelConfigSchema).optional(),
  /** @default 0 (no limit) */
  sample_limit: z.number().int().min(0).optional(),
});
export type ScrapeConfig = z.infer<typeof scrapeConfigSchema>;

export const alertmanagerConfigSchema = z.strictObject({
  /** @default 'http' */
  scheme: z.enum(['http', 'https']).optional(),
  /** @default '/' */
  path_prefix: z.string().startsWith('/').optional(),
  /** @default '10s' */
  timeout: promDuration.optional(),
  /** @default 'v2' */
  api_version: z.literal('v2').optional(),
  basic_auth: basicAuthSchema.optional(),
  tls_config: tlsConfigSchema.optional(),
  static_configs: z.array(staticConfigSchema).optional(),
  file_sd_configs: z.array(fileSdConfigSchema).optional(),
  relabel_configs: z.array(relabelConfigSchema).optional(),
});
export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;

export const prometheusConfigSchema = z.strictObject({
  global: z
    .strictObject({
      /** @default '1m' */
      scrape_interval: promDuration.optional(),
      /** @default '10s' */
      scrape_timeout: promDuration.optional(),
      /** @default '1m' */
      evaluation_interval: promDuration.optional(),
      /** Labels added to every series and alert leaving this server (federation, Alertmanager). */
      external_labels: labelSet.optional(),
      query_log_file: absolutePath.optional(),
    })
    .optional(),
  /** Rule files (globs allowed), absolute paths. */
  rule_files: z.array(absolutePath).optional(),
  scrape_configs: z.array(scrapeConfigSchema).optional(),
  alerting: z
    .strictObject({
      alert_relabel_configs: z.array(relabelConfigSchema).optional(),
      alertmanagers: z.array(alertmanagerConfigSchema).optional(),
    })
    .optional(),
});
export type PrometheusConfig = z.infer<typeof prometheusConfigSchema>;

export interface PrometheusCheckOptions {
  /** Reject `https` jobs without `tls_config.ca_file` (promtool accepts them; they would trust the system CAs). @default true */
  readonly requireCaFile?: boolean;
}

/** Checks promtool makes, and the ones it misses, on a parsed config. */
export function checkPrometheusConfig(config: PrometheusConfig, options: PrometheusCheckOptions = {}): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const requireCa = options.requireCaFile ?? true;
  const interval = config.global?.scrape_interval ?? '1m';
  // Prometheus: an unset timeout is 10s, or the interval when that is shorter.
  const timeout = config.global?.scrape_timeout ?? (durationMs(interval) < 10_000 ? interval : '10s');
  if (durationMs(timeout) > durationMs(interval)) {
    problems.push({ path: ['global', 'scrape_timeout'], message: `scrape_timeout ${timeout} is greater than scrape_interval ${interval}` });
  }
  const jobs = new Set<string>();
  const relabels = (rules: readonly RelabelConfig[] | undefined, path: (string | number)[]) => {
    rules?.forEach((r, i) => {
      if (r.regex !== undefined) {
        const e = re2Error(r.regex);
        if (e) problems.push({ path: [...path, i, 'regex'], message: `invalid RE2 regular expression: ${e}` });
      }
      const action = r.action ?? 'replace';
      if ((action === 'replace' || action === 'hashmod' || action === 'lowercase' || action === 'uppercase') && !r.target_label) {
        problems.push({ path: [...path, i], message: `relabel action ${action} needs target_label` });
      }
      if (action === 'hashmod' && r.modulus === undefined)
        problems.push({ path: [...path, i], message: 'relabel action hashmod needs modulus' });
    });
  };
  const client = (
    c: { scheme?: string | undefined; tls_config?: TlsConfig | undefined; basic_auth?: BasicAuth | undefined },
    path: (string | number)[],
  ) => {
    if (c.tls_config && c.scheme !== 'https')
      problems.push({ path: [...path, 'tls_config'], message: 'tls_config is set but scheme is not https' });
    if (c.scheme === 'https' && requireCa && !c.tls_config?.ca_file) {
      problems.push({
        path: [...path, 'tls_config', 'ca_file'],
        message: 'https without ca_file would trust the system CAs instead of ours',
      });
    }
    if (c.basic_auth && c.scheme !== 'https')
      problems.push({ path: [...path, 'basic_auth'], message: 'basic auth over plain http sends the password in clear' });
    if ((c.tls_config?.cert_file === undefined) !== (c.tls_config?.key_file === undefined)) {
      problems.push({ path: [...path, 'tls_config'], message: 'cert_file and key_file go together' });
    }
  };
  config.scrape_configs?.forEach((job) => {
    const path = ['scrape_configs', job.job_name];
    if (jobs.has(job.job_name)) problems.push({ path, message: `duplicate job_name "${job.job_name}"` });
    jobs.add(job.job_name);
    const ji = job.scrape_interval ?? interval;
    const jt = job.scrape_timeout ?? (durationMs(ji) < durationMs(timeout) ? ji : timeout);
    if (durationMs(jt) > durationMs(ji))
      problems.push({ path: [...path, 'scrape_timeout'], message: `scrape_timeout ${jt} is greater than scrape_interval ${ji}` });
    if (!job.static_configs?.length && !job.file_sd_configs?.length)
      problems.push({ path, message: 'a job needs static_configs or file_sd_configs' });
    client(job, path);
    relabels(job.relabel_configs, [...path, 'relabel_configs']);
    relabels(job.metric_relabel_configs, [...path, 'metric_relabel_configs']);
  });
  config.alerting?.alertmanagers?.forEach((am, i) => {
    const path = ['alerting', 'alertmanagers', i];
    client(am, path);
    relabels(am.relabel_configs, [...path, 'relabel_configs']);
  });
  relabels(config.alerting?.alert_relabel_configs, ['alerting', 'alert_relabel_configs']);
  return problems;
}

/** Validates a `prometheus.yml` model (schema + checks); throws a ConfigError with every problem. */
export function validatePrometheusConfig(input: unknown, options: PrometheusCheckOptions = {}): PrometheusConfig {
  return validateWith(prometheusConfigSchema, input, {}, (config) => checkPrometheusConfig(config, options));
}

/** Prints a validated `prometheus.yml` (deterministic YAML, the model's key order). */
export function printPrometheusConfig(input: PrometheusConfig, options: PrometheusCheckOptions & { header?: string } = {}): string {
  const config = validatePrometheusConfig(input, options);
  return toYaml(config, options.header ? { header: options.header } : {});
}
