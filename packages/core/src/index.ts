export { writeFileAtomic } from './atomic-write.js';
export {
  type Artifact,
  type ArtifactProps,
  type Bundle,
  type ServiceAction,
  artifact,
  contentHash,
  mergeArtifacts,
  reroot,
} from './artifact.js';
export {
  type Diagnostic,
  type DocumentPath,
  ConfigError,
  formatDiagnostic,
  formatPath,
  validateWith,
  sortDiagnostics,
  zodDiagnostics,
} from './diagnostics.js';
export {
  type EnvFile,
  argsFlags,
  argsVariable,
  envFileSchema,
  parseArgsVariable,
  parseEnvFile,
  printEnvFile,
} from './env-file.js';
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
export { shellQuote } from './shell-word.js';
export { type LineLocator, tomlLineLocator, yamlLineLocator } from './source-locations.js';
export {
  INSTALL_DIRECTIVES,
  type ParsedUnitFile,
  type RawWord,
  SERVICE_DIRECTIVES,
  TIMER_DIRECTIVES,
  UNIT_DIRECTIVES,
  type UnitFile,
  type UnitFileInput,
  type UnitValue,
  escapeSpecifiers,
  execLine,
  parseUnitFile,
  printUnitFile,
  quoteWord,
  raw,
  splitExecLine,
  unitFileSchema,
} from './systemd-unit.js';
export { type SandboxOptions, sandbox } from './systemd-sandbox.js';
export { toToml } from './toml.js';
export {
  EDGE_HASH_ROUNDS,
  PATH_CHARACTERS,
  type PasswordHashFormat,
  SHA512_CRYPT_EDGE,
  absolutePath,
  describeUnsafe,
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
  portablePath,
  sha512CryptEdgeHash,
} from './types.js';
export { preferJitlessValidation } from './validation-mode.js';
export { type YamlOptions, stripUndefined, toYaml, withHeader } from './yaml.js';
