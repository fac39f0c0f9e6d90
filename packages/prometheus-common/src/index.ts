export {
  type ParsedPromql,
  type PromqlError,
  type PromqlLabels,
  type PromqlMatcher,
  type PromqlSelector,
  type PromqlType,
  checkPromql,
  parsePromql,
  promqlDiagnostics,
  labelMatches,
  re2Error,
  unquotePromqlString,
} from './promql.js';
export { type PromqlMatcherSpec, exactRegex, promqlSelector, promqlString } from './selectors.js';
export {
  type WebConfig,
  type WebConfigInput,
  checkWebConfig,
  mutualTlsServerConfig,
  printWebConfig,
  validateWebConfig,
  webConfigSchema,
} from './web-config.js';
