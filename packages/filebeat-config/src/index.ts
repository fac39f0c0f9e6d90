export { type FieldValue, goDuration } from './_common.js';
export { type ExpandedDocument, expandDottedKeys } from './dotted-keys.js';
export { type ExternalInputs, type FilebeatConfig, externalInputsSchema, filebeatConfigSchema } from './filebeat-config.js';
export {
  FILEBEAT_CONFIG_PATH,
  FILEBEAT_INPUTS_DIR,
  type NodeFilebeat,
  filebeatRenderer,
  logstashEndpoint,
  nodeFilebeat,
} from './filebeat-renderer.js';
export {
  type FilestreamInput,
  type Input,
  type InputsFile,
  type JournaldInput,
  filestreamInputSchema,
  inputSchema,
  inputsFileSchema,
  journaldInputSchema,
} from './inputs.js';
export { filebeatJsonSchema, inputsFileJsonSchema } from './json-schema.js';
export {
  CERTBOT_MULTILINE_PATTERN,
  CHATOPS_MULTILINE_PATTERN,
  DOCKER_CONTAINERS_DIR,
  ELASTIC_MULTILINE_PATTERN,
  JOURNALD_SERVICES,
  type LogSource,
  logSources,
} from './log-sources.js';
export { type Logging, loggingSchema } from './logging.js';
export {
  type BeatsListener,
  type FilebeatLogstashCheckOptions,
  checkNodeAgainstLogstash,
  environmentBeatsListener,
  filebeatLogstashAgreement,
  filebeatLogstashCheck,
} from './logstash-agreement.js';
export {
  OUTPUT_TYPES,
  type LogstashOutput,
  type Output,
  type OutputType,
  type Ssl,
  logstashOutputSchema,
  outputSchema,
  sslSchema,
} from './outputs.js';
export { type ParseOptions, parseFilebeatConfig, parseInputsFile } from './parse.js';
export { type Multiline, type Parser, multilineSchema, parserSchema } from './parsers.js';
export { type PrintOptions, printFilebeatConfig, printInputsFile } from './print.js';
export { type Condition, type Processor, conditionSchema, processorSchema } from './processors.js';
export { re2Pattern, re2Problem } from './re2-pattern.js';
export {
  type FilebeatFiles,
  checkFilebeatFiles,
  filebeatDiagnostics,
  globMatches,
  validateFilebeatConfig,
  validateInputsFile,
} from './validate.js';
