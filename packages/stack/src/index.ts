export { type Manifest, type ManifestArtifact, buildManifest } from './manifest.js';
export {
  type PrepareOptions,
  type PreparedRender,
  certificateRequests,
  defaultPkiDir,
  pkiSettings,
  prepareRender,
} from './prepare-render.js';
export { CHECKS, RENDERERS } from './registry.js';
export { applyOrder } from './apply-order.js';
export { type NodeCheck, type StackOptions, type StackResult, renderStack } from './render-stack.js';
export { type WriteArtifactsOptions, writeArtifacts } from './write-artifacts.js';
