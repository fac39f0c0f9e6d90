import type { DocumentPath } from '@chatops/core';

/** Options of the deprecated `log` input and where filestream expects them instead. */
const LOG_INPUT_OPTIONS: Readonly<Record<string, string>> = {
  multiline: 'a log-input option: in filestream write parsers: [{ multiline: { ... } }]',
  json: 'a log-input option: in filestream write parsers: [{ ndjson: { ... } }]',
  close_inactive: 'a log-input option: in filestream write close.on_state_change.inactive',
  close_renamed: 'a log-input option: in filestream write close.on_state_change.renamed',
  close_removed: 'a log-input option: in filestream write close.on_state_change.removed',
  close_eof: 'a log-input option: in filestream write close.reader.on_eof',
  close_timeout: 'a log-input option: in filestream write close.reader.after_interval',
  scan_frequency: 'a log-input option: in filestream write prospector.scanner.check_interval',
  exclude_files: 'a log-input option: in filestream write prospector.scanner.exclude_files',
  symlinks: 'a log-input option: in filestream write prospector.scanner.symlinks',
  recursive_glob: 'a log-input option: in filestream write prospector.scanner.recursive_glob',
  harvester_buffer_size: 'a log-input option: in filestream write buffer_size',
  max_bytes: 'a log-input option: in filestream write message_max_bytes',
  tail_files: 'a log-input option: in filestream write ignore_inactive: since_last_start',
};

/** Keys of `output.logstash` that people put at the top level or in an input. */
const OUTPUT_OPTIONS = new Set(['hosts', 'ssl', 'loadbalance', 'worker', 'compression_level', 'ttl', 'pipelining']);

/** Option names of the multiline parser that belong one level down. */
const PARSER_OPTIONS = new Set(['pattern', 'negate', 'match', 'max_lines', 'timeout', 'count_lines', 'flush_pattern']);

/** A short hint for an unknown key at `path`, when we can tell where it belongs. */
export function unknownKeyHint(path: DocumentPath, key: string): string | undefined {
  const inInput = path.length >= 1 && (path[path.length - 2] === 'inputs' || (path.length === 1 && typeof path[0] === 'number'));
  const last = path[path.length - 1];
  if (inInput && LOG_INPUT_OPTIONS[key]) return LOG_INPUT_OPTIONS[key];
  if (OUTPUT_OPTIONS.has(key) && last !== 'logstash') return 'an output option: it belongs under output.logstash';
  if (last === 'output') return 'unsupported output: this model knows output.logstash, output.file and output.console';
  if (typeof last === 'number' && path[path.length - 2] === 'parsers' && PARSER_OPTIONS.has(key)) {
    return 'a multiline option: write - multiline: { ... } in the parsers list';
  }
  if (path.length === 0 && (key === 'inputs' || key === 'config')) return `it belongs under filebeat (filebeat.${key})`;
  if (path.length === 0 && key.startsWith('filebeat.'))
    return 'dotted keys are expanded by parseFilebeatConfig; the model itself is nested';
  return undefined;
}
