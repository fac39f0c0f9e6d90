export type {
  ArrayValue,
  Attribute,
  Bareword,
  Branch,
  Clause,
  Compare,
  Condition,
  Config,
  Expression,
  Group,
  HashEntry,
  HashKey,
  HashValue,
  In,
  Match,
  MatchOperator,
  Not,
  NumberValue,
  Plugin,
  Regexp,
  RValue,
  Section,
  Selector,
  SectionType,
  CompareOperator,
  BooleanOperator,
  Statement,
  StringValue,
  Value,
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
export { type ParseOptions, type ParseResult, parsePipeline, parseConfig } from './parse.js';
export { type PrintOptions, printPipeline } from './print.js';
export { type CheckPipelineOptions, checkPipeline } from './validate.js';
export { lint } from './lint.js';
export { type BeatsInputProps, beatsInput } from './beats-input.js';
export { type GrokFilterProps, grokFilter } from './grok-filter.js';
export { type DateFilterProps, dateFilter } from './date-filter.js';
export { type MutateFilterProps, mutateFilter } from './mutate-filter.js';
export { type JsonFilterProps, jsonFilter } from './json-filter.js';
export { type ElasticsearchOutputProps, elasticsearchOutput } from './elasticsearch-output.js';
export { type LogstashYmlProps, type PipelineEntry, logstashYml, pipelinesYml } from './settings-files.js';
export { type StackPipelineFiles, stackPipeline } from './stack-pipeline.js';
export { PIPELINE_PATH, type RenderedBeatsInput, logstashRenderer, renderedBeatsInputs } from './logstash-renderer.js';
