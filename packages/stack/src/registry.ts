import { alertRoutingCheck, alertmanagerRenderer } from '@chatops/alertmanager-config';
import { elasticsearchRenderer, kibanaRenderer } from '@chatops/elastic-config';
import type { ServiceRenderer, StackCheck } from '@chatops/environment';
import { filebeatLogstashAgreement, filebeatRenderer } from '@chatops/filebeat-config';
import { GRAFANA_RENDERER, grafanaDatasourceAgreement } from '@chatops/grafana-provisioning';
import { haproxyRenderer, haproxyUpstreamCertificates } from '@chatops/haproxy-config';
import { logstashRenderer } from '@chatops/logstash-pipeline';
import { PROMETHEUS_RENDERER } from '@chatops/prometheus-rules';
import { UNITS_CHECKS, UNITS_RENDERERS } from '@chatops/units';

// Every service renderer of the stack. A package plugs in by adding its renderer here (one import, one entry);
// the CLI and deploy never change. Order does not matter: bundles are sorted by path.
export const RENDERERS: readonly ServiceRenderer[] = [
  alertmanagerRenderer,
  filebeatRenderer,
  GRAFANA_RENDERER,
  haproxyRenderer,
  logstashRenderer,
  PROMETHEUS_RENDERER,
  ...UNITS_RENDERERS,
  elasticsearchRenderer,
  kibanaRenderer,
];

// Checks across renderers' outputs (e.g. Filebeat's output agrees with Logstash's beats input).
export const CHECKS: readonly StackCheck[] = [
  alertRoutingCheck,
  filebeatLogstashAgreement,
  grafanaDatasourceAgreement,
  haproxyUpstreamCertificates,
  ...UNITS_CHECKS,
];
