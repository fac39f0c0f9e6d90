import { alertRoutingCheck, alertmanagerRenderer } from '@chatops/alertmanager-config';
import { elasticsearchRenderer, kibanaRenderer } from '@chatops/elastic-config';
import type { ServiceRenderer, StackCheck } from '@chatops/environment';
import { filebeatLogstashAgreement, filebeatRenderer } from '@chatops/filebeat-config';
import { grafanaRenderer, grafanaDatasourceAgreement } from '@chatops/grafana-provisioning';
import { haproxyRenderer, haproxyUpstreamCertificates } from '@chatops/haproxy-config';
import { logstashRenderer } from '@chatops/logstash-pipeline';
import { prometheusRenderer } from '@chatops/prometheus-rules';
import {
  UNITS_CHECKS,
  blackboxExporterRenderer,
  cadvisorRenderer,
  certbotRenderer,
  chatopsRenderer,
  nodeExporterRenderer,
  systemdExporterRenderer,
} from '@chatops/units';

// Every service renderer of the stack, one entry per service. Rendering does not depend on the order (bundles
// are sorted by path); the apply order follows each renderer's `after` edges, and this order breaks ties.
export const RENDERERS: readonly ServiceRenderer[] = [
  elasticsearchRenderer,
  logstashRenderer,
  kibanaRenderer,
  nodeExporterRenderer,
  systemdExporterRenderer,
  blackboxExporterRenderer,
  cadvisorRenderer,
  alertmanagerRenderer,
  prometheusRenderer,
  chatopsRenderer,
  grafanaRenderer,
  filebeatRenderer,
  certbotRenderer,
  haproxyRenderer,
];

// Checks across renderers' outputs (e.g. Filebeat's output agrees with Logstash's beats input).
export const CHECKS: readonly StackCheck[] = [
  alertRoutingCheck,
  filebeatLogstashAgreement,
  grafanaDatasourceAgreement,
  haproxyUpstreamCertificates,
  ...UNITS_CHECKS,
];
