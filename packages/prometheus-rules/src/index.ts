export { type AlertInhibition, alertInhibitions } from './alert-inhibitions.js';
export { TEMPLATE_FUNCTIONS, TEMPLATE_VARIABLES, type TemplateCheckOptions, checkAlertTemplate } from './alert-template.js';
export { defaultRuleTests } from './default-rule-tests.js';
export {
  type DefaultRulesOptions,
  type Severity,
  chatopsInstanceDownRule,
  defaultAlertRules,
  exactRegex,
  promqlString,
  systemdUnitDownRule,
  WATCHDOG_ALERT,
  watchdogRule,
} from './default-rules.js';
export {
  type AlertmanagerConfig,
  type BasicAuth,
  type FileSdConfig,
  type PrometheusCheckOptions,
  type PrometheusConfig,
  type RelabelConfig,
  type ScrapeConfig,
  type StaticConfig,
  type TlsConfig,
  alertmanagerConfigSchema,
  basicAuthSchema,
  checkPrometheusConfig,
  printPrometheusConfig,
  prometheusConfigSchema,
  relabelConfigSchema,
  scrapeConfigSchema,
  staticConfigSchema,
  tlsConfigSchema,
  validatePrometheusConfig,
} from './prometheus-config.js';
export {
  PROMETHEUS_PATHS,
  PROMETHEUS_RENDERER,
  type PrometheusRendererOptions,
  prometheusRenderer,
  renderPrometheus,
} from './prometheus-renderer.js';
export {
  type ParsedPromql,
  type PromqlError,
  type PromqlLabels,
  type PromqlMatcher,
  type PromqlSelector,
  type PromqlType,
  checkPromql,
  parsePromql,
  re2Error,
  unquotePromqlString,
} from './promql.js';
export {
  type AlertingRule,
  type RecordingRule,
  type Rule,
  type RuleFile,
  type RuleGroup,
  alertingRuleSchema,
  checkRuleFile,
  printRuleFile,
  promDuration,
  recordingRuleSchema,
  ruleFileSchema,
  ruleGroupSchema,
  ruleSchema,
  validateRuleFile,
} from './rule-file.js';
export {
  type AlertExpectation,
  type ExpectedAlert,
  type InputSeries,
  type PromqlExpectation,
  type RuleTestCase,
  type RuleTestFileProps,
  type RuleTestProps,
  printRuleTestFile,
  ruleTest,
} from './rule-test.js';
export {
  type PrometheusFlags,
  type StackMonitoringPaths,
  printPrometheusDefaults,
  prometheusArgs,
  prometheusNode,
  stackPrometheusConfig,
  stackWebConfig,
} from './stack-monitoring.js';
export {
  type WebConfig,
  type WebConfigInput,
  checkWebConfig,
  printWebConfig,
  validateWebConfig,
  webConfigSchema,
  webTlsServerConfigSchema,
} from './web-config.js';
