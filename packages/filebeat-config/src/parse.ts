import { ConfigError, type Diagnostic, type DocumentPath, yamlLineLocator } from '@chatops/core';
import { load } from 'js-yaml';
import { expandDottedKeys } from './dotted-keys.js';
import type { FilebeatConfig } from './filebeat-config.js';
import type { InputsFile } from './inputs.js';
import { validateFilebeatConfig, validateInputsFile } from './validate.js';

export interface ParseOptions {
  /** File name shown in diagnostics. */
  readonly file?: string;
}

function validateWith<T>(text: string, options: ParseOptions, validate: (v: unknown, where: Partial<Diagnostic>) => T): T {
  let raw: unknown;
  try {
    raw = load(text);
  } catch (e) {
    const mark = (e as { mark?: { line?: number } }).mark;
    throw new ConfigError([
      {
        path: [],
        file: options.file,
        line: mark?.line !== undefined ? mark.line + 1 : undefined,
        message: `invalid YAML: ${(e as Error).message.split('\n')[0]}`,
      },
    ]);
  }
  const expanded = expandDottedKeys(raw);
  let locator: ReturnType<typeof yamlLineLocator> | undefined;
  // Only located on failure: building the locator re-parses the text.
  const locate = (path: DocumentPath) => (locator ??= yamlLineLocator(text))(path);
  const where = (path: DocumentPath): Pick<Diagnostic, 'file' | 'line'> => {
    for (let n = path.length; n >= 0; n--) {
      const source = expanded.origin.get(JSON.stringify(path.slice(0, n)));
      if (source) return { file: options.file, line: locate(source) };
    }
    return { file: options.file };
  };
  if (expanded.conflicts.length > 0) {
    throw new ConfigError(
      expanded.conflicts.map((path) => ({ path, ...where(path), message: 'key set twice (dotted and nested spellings of the same key)' })),
      expanded.value,
    );
  }
  try {
    return validate(expanded.value, {});
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(
      e.diagnostics.map((d) => ({ ...d, ...where(d.path) })),
      expanded.value,
    );
  }
}

/** Parses a filebeat.yml (dotted or nested keys) into the strict model; every problem is reported with its path and line. */
export function parseFilebeatConfig(text: string, options: ParseOptions = {}): FilebeatConfig {
  return validateWith(text, options, validateFilebeatConfig);
}

/** Parses an external input file (a plain YAML list of inputs). */
export function parseInputsFile(text: string, options: ParseOptions = {}): InputsFile {
  return validateWith(text, options, validateInputsFile);
}
