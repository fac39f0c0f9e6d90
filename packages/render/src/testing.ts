// `@chatops/render/testing`: helpers for snapshot tests of an operator's own environments.
export { REDACTED, type RenderEnvironmentOptions, type RenderedFile, renderEnvironment } from './render-environment.js';
export { stablePkiText } from './stable-pki.js';
