export {
  type AlertmanagerConfig,
  type AlertmanagerConfigInput,
  type EmailConfig,
  type GlobalConfig,
  type HttpConfig,
  type InhibitRule,
  type Receiver,
  type Route,
  type SlackConfig,
  type TimeInterval,
  type TlsConfig,
  type WebhookConfig,
  alertmanagerConfigSchema,
  emailConfigSchema,
  globalSchema,
  httpConfigSchema,
  inhibitRuleSchema,
  matcherText,
  receiverSchema,
  routeSchema,
  slackConfigSchema,
  timeIntervalSchema,
  tlsConfigSchema,
  webhookConfigSchema,
} from './alertmanager-config.js';
export { type AlertRuleLabels, alertRoutingCheck, alertRulesIn, checkAlertRouting, integrationCount } from './alert-routing-check.js';
export {
  ALERTMANAGER_PATHS,
  ALERTMANAGER_USER,
  alertmanagerRenderer,
  createAlertmanagerRenderer,
  renderAlertmanager,
} from './alertmanager-renderer.js';
export { checkAlertmanagerConfig, validateAlertmanagerConfig } from './checks.js';
export {
  type LabelSet,
  type MatchType,
  type Matcher,
  MatcherSyntaxError,
  formatMatcher,
  formatMatcherList,
  matcherMatches,
  matchesAll,
  parseMatcher,
  parseMatchers,
} from './matchers.js';
export { alertmanagerJsonSchema, alertmanagerWebJsonSchema } from './json-schema.js';
export { parseAlertmanagerConfig } from './parse-config.js';
export { type PrintOptions, printAlertmanagerConfig } from './print-config.js';
export {
  type CompiledRoute,
  type Inhibition,
  ROUTE_DEFAULTS,
  type RouteMatch,
  type RouteOptions,
  RouteSimulator,
  type SimulatedAlert,
  formatLabelSet,
} from './simulator.js';
export { intervalContains } from './time-intervals.js';
export { SLACK_TEMPLATE, SLACK_TEMPLATE_NAMES } from './slack-template.js';
export {
  STACK_INHIBITING_ALERTS,
  STACK_META_ALERTS,
  STACK_RECEIVERS,
  type StackAlertingFiles,
  type StackAlertingProps,
  stackAlertmanagerConfig,
} from './stack-alerting.js';
