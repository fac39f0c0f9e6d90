export { BLACKBOX_PATHS, blackboxExporterRenderer } from './blackbox-exporter.js';
export { type CadvisorUnitProps, cadvisorRenderer, cadvisorUnit } from './cadvisor.js';
export { certbotRenderer } from './certbot-renewal.js';
export { chatopsRenderer } from './chatops-app.js';
export { type ExporterUnitProps, exporterUnit, nodeExporterRenderer, systemdExporterRenderer } from './exporters.js';
export { type HaproxyBackendsCheckOptions, UNITS_CHECKS, haproxyBackendsCheck } from './stack-checks.js';

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
