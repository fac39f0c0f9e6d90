export {
  type ChatopsInstance,
  type Environment,
  type Listener,
  catalogueOf,
  chatopsInstances,
  findNode,
  internalUrl,
  listenersOn,
  nodeFqdn,
  nodePath,
  nodeWithRole,
  nodesWithRole,
  publicHost,
  publicHosts,
  publicRoutes,
  publicUrl,
  serviceFacts,
  servicesOn,
  withCatalogue,
} from './environment.js';
export type {
  BinaryRequirement,
  Catalogue,
  HealthFact,
  ListenerFact,
  LogFact,
  LogParsing,
  MetricsFact,
  PublicRoute,
  ServiceFacts,
  ServiceName,
  ServiceRequirements,
} from './service-facts.js';
export { serviceUnits, unitsOn } from './systemd-units.js';
export { type MetricsEndpoint, type MetricsKind, metricsEndpoints, metricsKinds } from './metrics-endpoints.js';
export { PROBE_JOBS, type ProbeTarget, probeTargets } from './probe-targets.js';
export { environmentJsonSchema } from './json-schema.js';
export { type LoadOptions, type LoadedEnvironment, loadEnvironment, locateInEnvironment } from './load-environment.js';
export { environmentOrigin, inEnvironmentTerms, readFields } from './origin.js';
export { secretRefs } from './secret-refs.js';
export { type ParsedDocument, parseDocument } from './parse-document.js';
export type {
  CertificateRequest,
  IssuedCertificate,
  NativeCheck,
  PkiMaterial,
  SecurityBudget,
  RenderContext,
  ServiceOutput,
  ServiceRenderer,
  StackCheck,
} from './render-context.js';
export type { Role } from './roles.js';
export { webUsers } from './web-users.js';
export { type EnvironmentDocument, type EnvironmentInput, type NodeSpec, OAUTH_GROUP_CLAIMS, environmentSchema } from './schema.js';
export {
  type ServiceCertificateOptions,
  type TlsFiles,
  type TlsFilesOptions,
  TLS_DIR,
  caBundle,
  caBundlePath,
  certificateId,
  clientCertificate,
  clientCertificateId,
  clientTlsFiles,
  serviceCertificate,
  tlsFiles,
} from './tls-files.js';
