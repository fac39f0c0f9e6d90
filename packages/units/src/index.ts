export {
  BLACKBOX_PATHS,
  type BlackboxConfig,
  blackboxConfigSchema,
  blackboxExporterRenderer,
  blackboxExporterUnit,
  blackboxModuleSchema,
  printBlackboxConfig,
  stackBlackboxConfig,
} from './blackbox-exporter.js';
export { type CadvisorUnitProps, cadvisorRenderer, cadvisorUnit } from './cadvisor.js';
export { type CertbotRenewalProps, certbotRenderer, certbotRenewalUnits, haproxyBundlePath } from './certbot-renewal.js';
export {
  CHATOPS_APP_DIR,
  CHATOPS_SECRETS_DIR,
  type ChatopsAppProps,
  chatopsAppPaths,
  chatopsAppUnits,
  chatopsRenderer,
} from './chatops-app.js';
export { printExporterWebConfig } from './exporter-web-config.js';
export {
  EXPORTERS_DIR,
  type ExporterUnitProps,
  endpointFor,
  exporterArgsPath,
  exporterUnit,
  nodeExporterRenderer,
  systemdExporterRenderer,
} from './exporters.js';
export { SYSTEMD_DIR } from './_common.js';
export {
  type HaproxyBackendsCheckOptions,
  UNITS_CHECKS,
  containerNamesMatchAlertRules,
  haproxyBackendsCheck,
  haproxyBackendsMatchAppUnits,
  scrapeTargetsMatchExporterUnits,
} from './stack-checks.js';
export {
  type StunnelConfig,
  type StunnelService,
  parseStunnelServices,
  printStunnelConfig,
  stunnelConfigSchema,
  stunnelServiceSchema,
} from './stunnel-config.js';
export { STUNNEL_DIR, type TlsTerminatorProps, tlsTerminator } from './tls-terminator.js';

import type { ServiceRenderer } from '@chatops/environment';
import { blackboxExporterRenderer } from './blackbox-exporter.js';
import { cadvisorRenderer } from './cadvisor.js';
import { certbotRenderer } from './certbot-renewal.js';
import { chatopsRenderer } from './chatops-app.js';
import { nodeExporterRenderer, systemdExporterRenderer } from './exporters.js';

/** Every renderer of this package, for the stack registry. */
export const UNITS_RENDERERS: readonly ServiceRenderer[] = [
  nodeExporterRenderer,
  systemdExporterRenderer,
  blackboxExporterRenderer,
  cadvisorRenderer,
  chatopsRenderer,
  certbotRenderer,
];
