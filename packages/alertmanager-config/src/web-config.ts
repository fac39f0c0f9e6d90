// Alertmanager reads the same exporter-toolkit web config as Prometheus: one model, in @chatops/prometheus-rules.
export { type WebConfig, type WebConfigInput, printWebConfig, webConfigSchema, webTlsServerConfigSchema } from '@chatops/prometheus-rules';
