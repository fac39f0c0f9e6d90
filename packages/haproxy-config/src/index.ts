export { checkHaproxyConfig } from './check.js';
export { type ConditionRefs, PREDEFINED_ACLS, parseCondition } from './condition.js';
export {
  type Backend,
  type Defaults,
  type Frontend,
  type HaproxyConfig,
  type HaproxyConfigInput,
  type HttpCheck,
  type Listen,
  type ProxyOption,
  type Stats,
  type Timeouts,
  backendSchema,
  defaultsSchema,
  frontendSchema,
  haproxyConfigSchema,
  listenSchema,
} from './haproxy-config.js';
export {
  type Bind,
  type BindInput,
  type BindSsl,
  type DefaultServer,
  type Server,
  type ServerInput,
  type ServerSsl,
  type ServerSslInput,
  bindSchema,
  serverSchema,
} from './model-endpoints.js';
export {
  type Acl,
  type AclInput,
  type HttpAfterResponseRule,
  type HttpRequestRule,
  type HttpResponseRule,
  type UseBackend,
  aclSchema,
} from './model-rules.js';
export {
  type Cache,
  type Global,
  type GlobalInput,
  type HttpErrors,
  type Resolvers,
  type Userlist,
  type UserlistInput,
} from './model-sections.js';
export { formatHaproxyConfig, printBind, printServer } from './print.js';
export { printHaproxyConfig, validateHaproxyConfig } from './render.js';
export { type EdgeProps, HSTS, METRICS_LIST, MOZILLA_INTERMEDIATE, USERS_LIST, buildEdgeConfig } from './edge-config.js';
export { HAPROXY_PATHS, haproxyRenderer, pem, publicCertPath } from './stack-renderer.js';
export { type EdgeUpstream, edgeUpstreams } from './edge-config.js';
export {
  type UpstreamCertificatesCheckOptions,
  haproxyUpstreamCertificates,
  upstreamCertificatesCheck,
} from './upstream-certificates-check.js';
