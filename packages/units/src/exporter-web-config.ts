import { type WebConfigInput, printWebConfig, webConfigSchema } from '@chatops/prometheus-rules';

/**
 * The exporter-toolkit web configuration (`--web.config.file`) of node_exporter and systemd_exporter: the same
 * model as Prometheus' and Alertmanager's `web.yml`. Checked by `promtool check web-config`.
 */
export const exporterWebConfigSchema = webConfigSchema;
export type ExporterWebConfig = WebConfigInput;

/** Prints the web config as YAML after validating it. */
export function printExporterWebConfig(config: ExporterWebConfig): string {
  return printWebConfig(config, { header: 'Rendered by @chatops/units: exporter-toolkit web config.' });
}
