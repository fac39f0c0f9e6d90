export { type AlertInhibition, alertInhibitions } from './alert-inhibitions.js';
export { type TemplateCheckOptions, checkAlertTemplate } from './alert-template.js';
export { defaultRuleTests } from './default-rule-tests.js';
export { type AlertDelays, alertDelays, alertStep, type DefaultRulesOptions, defaultAlertRules, WATCHDOG_ALERT } from './default-rules.js';
export { type HaproxyServer, haproxyServers } from './haproxy-servers.js';
export {
  type PrometheusCheckOptions,
  type PrometheusConfig,
  checkPrometheusConfig,
  printPrometheusConfig,
  prometheusConfigSchema,
  validatePrometheusConfig,
} from './prometheus-config.js';
export {
  PROMETHEUS_PATHS,
  prometheusRenderer,
  type PrometheusRendererOptions,
  createPrometheusRenderer,
  renderPrometheus,
} from './prometheus-renderer.js';
export { type RuleFile, checkRuleFile, printRuleFile, ruleFileSchema, validateRuleFile } from './rule-file.js';
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
