export {
  type ArrayValue,
  type Attribute,
  type Bareword,
  type BooleanOperator,
  type Branch,
  type Clause,
  type Compare,
  type CompareOperator,
  type Condition,
  type Config,
  type Expression,
  type Group,
  type HashEntry,
  type HashKey,
  type HashValue,
  type In,
  type Match,
  type MatchOperator,
  type Not,
  type NumberValue,
  type Plugin,
  type Regexp,
  type RValue,
  type Section,
  type SectionType,
  type Selector,
  type Statement,
  type StringValue,
  type Value,
  BOOLEAN_OPERATORS,
  COMPARE_OPERATORS,
  SECTION_TYPES,
} from './ast.js';
export {
  type IfProps,
  type ValueInput,
  and,
  bare,
  compare,
  cond,
  config,
  eq,
  field,
  ifThen,
  isIn,
  matches,
  ne,
  not,
  num,
  or,
  plugin,
  regex,
  section,
  str,
  toValue,
} from './ast-builders.js';
export { type ParseOptions, type ParseResult, lineColumn, parsePipeline, parseConfig } from './parse.js';
export { type PrintOptions, printPipeline } from './print.js';
export { type CheckPipelineOptions, checkPipeline } from './validate.js';
export { formatLintDiagnostic, lint } from './lint.js';
export { type Substitution, configSubstitutions, substitution, substitutionsIn } from './substitutions.js';
export { CORE_GROK_PATTERNS, type GrokReference, checkGrokExpression, grokReferences } from './grok-patterns.js';
export { DATE_KEYWORDS, checkDateFormat } from './joda-format.js';
export { type BeatsInputProps, beatsInput, beatsInputSchema } from './beats-input.js';
export { type GrokFilterProps, grokFilter, grokFilterSchema } from './grok-filter.js';
export { type DateFilterProps, dateFilter, dateFilterSchema } from './date-filter.js';
export { type MutateFilterProps, mutateFilter, mutateFilterSchema } from './mutate-filter.js';
export { type JsonFilterProps, jsonFilter, jsonFilterSchema } from './json-filter.js';
export { type ElasticsearchOutputProps, elasticsearchOutput, elasticsearchOutputSchema } from './elasticsearch-output.js';
export {
  type LogstashYmlProps,
  type PipelineEntry,
  logstashYml,
  logstashYmlSchema,
  pipelineEntrySchema,
  pipelinesYml,
} from './settings-files.js';
export {
  CHATOPS_DATE_FORMAT,
  CHATOPS_LOG_PATTERN,
  ES_PASSWORD_VARIABLE,
  HAPROXY_DATE_FORMAT,
  INDEX_PATTERN,
  LOGSTASH_ES_USER,
  PARSED_SERVICES,
  SERVICE_FIELD,
  type StackPipelineFiles,
  stackPipeline,
} from './stack-pipeline.js';
export {
  ES_PASSWORD_FILE,
  LOGSTASH_SERVICE,
  LOGSTASH_YML_PATH,
  PASSWORD_DROP_IN_PATH,
  PIPELINES_YML_PATH,
  PIPELINE_ID,
  PIPELINE_PATH,
  type RenderedBeatsInput,
  logstashRenderer,
  passwordDropIn,
  renderStackPipeline,
  renderedBeatsInputs,
} from './logstash-renderer.js';
