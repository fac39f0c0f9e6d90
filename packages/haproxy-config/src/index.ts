export { checkHaproxyConfig } from './check.js';
export { type ConditionRefs, parseCondition } from './condition.js';
export {
  type Backend,
  type Defaults,
  type Frontend,
  type HaproxyConfig,
  type HaproxyConfigInput,
  type Listen,
  haproxyConfigSchema,
} from './haproxy-config.js';
export type { Bind, Server } from './model-endpoints.js';
export type { Acl } from './model-rules.js';
export type { Global } from './model-sections.js';
export { formatHaproxyConfig } from './print.js';
export { printHaproxyConfig, validateHaproxyConfig } from './render.js';
export { type EdgeProps, buildEdgeConfig } from './edge-config.js';
export { HAPROXY_PATHS, haproxyRenderer, pem, publicCertPath } from './stack-renderer.js';
export { type EdgeUpstream, edgeUpstreams } from './edge-config.js';
export { haproxyUpstreamCertificates } from './upstream-certificates-check.js';
