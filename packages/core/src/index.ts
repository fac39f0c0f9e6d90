export { type Artifact, type ArtifactProps, type Bundle, type ServiceAction, artifact, contentHash, mergeArtifacts, reroot } from './artifact.js';
export { type Diagnostic, type DocumentPath, ConfigError, formatDiagnostic, formatPath, parseWith, sortDiagnostics, zodDiagnostics } from './diagnostics.js';
export { type IniDocument, type IniValue, toIni } from './ini.js';
export {
  type PlaceSecretProps,
  type SecretRef,
  type SecretResolveOptions,
  REDACTED,
  SecretStore,
  describeSecret,
  placeSecret,
  readSecret,
  secretRef,
} from './secret.js';
export { type LineLocator, tomlLineLocator, yamlLineLocator } from './source-locations.js';
export { toToml } from './toml.js';
export {
  type PasswordHashFormat,
  absolutePath,
  bcryptHash,
  duration,
  durationMs,
  durationPattern,
  email,
  fileMode,
  hostPort,
  hostname,
  ipAddress,
  isBcrypt,
  labelName,
  passwordHash,
  passwordHashFormat,
  passwordHashPatterns,
  port,
} from './types.js';
export { type YamlOptions, stripUndefined, toYaml, withHeader } from './yaml.js';
