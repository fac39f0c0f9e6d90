export { writeFileAtomic } from './atomic-write.js';
export { type Artifact, type ArtifactProps, type ServiceAction, artifact, contentHash, mergeArtifacts, reroot } from './artifact.js';
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
export { type EnvFile, argsFlags, argsVariable, parseArgsVariable, parseEnvFile, printEnvFile } from './env-file.js';
export { type IniDocument, type IniValue, toIni } from './ini.js';
export {
  type PlaceSecretProps,
  type SecretRef,
  type SecretResolveOptions,
  SecretStore,
  placeSecret,
  readSecret,
  secretRef,
} from './secret.js';
export { shellQuote } from './shell-word.js';
export { type SplitWords, type WordSyntax, splitWords } from './split-words.js';
export { type LineLocator, tomlLineLocator, yamlLineLocator } from './source-locations.js';
export {
  type ParsedUnitFile,
  type RawWord,
  type UnitFileInput,
  escapeSpecifiers,
  execLine,
  parseUnitFile,
  printUnitFile,
  quoteWord,
  raw,
  splitExecLine,
} from './systemd-unit.js';
export { type SandboxOptions, sandbox } from './systemd-sandbox.js';
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
  port,
  portablePath,
  sha512CryptEdgeHash,
} from './types.js';
export { preferJitlessValidation } from './validation-mode.js';
export { type YamlOptions, toYaml } from './yaml.js';
