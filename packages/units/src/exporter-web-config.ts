import { type WebConfigInput, printWebConfig } from '@chatops/prometheus-common';

/**
 * Prints the exporter-toolkit web configuration (`--web.config.file`) of node_exporter, systemd_exporter and the
 * blackbox exporter after validating it: the one model of `@chatops/prometheus-common` that Prometheus' and
 * Alertmanager's `web.yml` use too. Checked by `promtool check web-config`.
 */
export function printExporterWebConfig(config: WebConfigInput): string {
  return printWebConfig(config, { header: 'Rendered by @chatops/units: exporter-toolkit web config.' });
}
