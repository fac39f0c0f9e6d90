export { type AlertmanagerConfig, type AlertmanagerConfigInput, alertmanagerConfigSchema } from './alertmanager-config.js';
export { type AlertRuleLabels, alertRoutingCheck, checkAlertRouting } from './alert-routing-check.js';
export { alertmanagerRenderer, createAlertmanagerRenderer } from './alertmanager-renderer.js';
export { checkAlertmanagerConfig, validateAlertmanagerConfig } from './checks.js';
export type { LabelSet, MatchType, Matcher } from './matchers.js';
export { alertmanagerJsonSchema, alertmanagerWebJsonSchema } from './json-schema.js';
export { parseAlertmanagerConfig } from './parse-config.js';
export { type PrintOptions, printAlertmanagerConfig } from './print-config.js';
export {
  type CompiledRoute,
  type Inhibition,
  type RouteMatch,
  type RouteOptions,
  RouteSimulator,
  type SimulatedAlert,
} from './simulator.js';
export { type StackAlertingFiles, type StackAlertingProps, stackAlertmanagerConfig } from './stack-alerting.js';
