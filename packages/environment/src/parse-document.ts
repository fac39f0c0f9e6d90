import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import TOML from '@iarna/toml';
import { ConfigError, type LineLocator, tomlLineLocator, yamlLineLocator } from '@chatops/core';
import { YAMLException, load } from 'js-yaml';

export interface ParsedDocument {
  readonly file: string;
  readonly data: unknown;
  readonly locate: LineLocator;
}

/** Reads a YAML, TOML or JSON document, turning syntax errors into diagnostics with file:line:column. */
export function parseDocumentFile(file: string, display = file): ParsedDocument {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError([{ file: display, path: [], message: code === 'ENOENT' ? 'file not found' : `cannot read file (${code})` }]);
  }
  return parseDocument(source, display, extname(file).toLowerCase());
}

export function parseDocument(source: string, file: string, ext: string): ParsedDocument {
  switch (ext) {
    case '.yaml':
    case '.yml':
      try {
        return { file, data: load(source, { filename: file }), locate: lazyLocator(() => yamlLineLocator(source)) };
      } catch (e) {
        if (!(e instanceof YAMLException)) throw e;
        const mark = e.mark;
        throw new ConfigError([
          { file, path: [], message: `invalid YAML: ${e.reason}`, ...(mark ? { line: mark.line + 1, column: mark.column + 1 } : {}) },
        ]);
      }
    case '.toml':
      try {
        return { file, data: TOML.parse(source), locate: lazyLocator(() => tomlLineLocator(source)) };
      } catch (e) {
        const err = e as Error & { line?: number; col?: number };
        const reason = err.message.split('\n')[0]?.replace(/ at row \d+, col \d+, pos \d+:?$/, '') ?? 'syntax error';
        throw new ConfigError([
          {
            file,
            path: [],
            message: `invalid TOML: ${reason}`,
            ...(err.line !== undefined ? { line: err.line + 1, column: (err.col ?? 0) + 1 } : {}),
          },
        ]);
      }
    case '.json':
      try {
        return { file, data: JSON.parse(source), locate: lazyLocator(() => jsonLineLocator(source)) };
      } catch (e) {
        const m = /position (\d+)/.exec((e as Error).message);
        const line = m ? source.slice(0, Number(m[1])).split('\n').length : undefined;
        throw new ConfigError([{ file, path: [], message: `invalid JSON: ${(e as Error).message}`, ...(line ? { line } : {}) }]);
      }
    default:
      throw new ConfigError([{ file, path: [], message: `unsupported file type ${ext || '(none)'}: use .yaml, .yml, .toml or .json` }]);
  }
}

/**
 * A locator built on its first use: locating needs a second parse of the whole source (events with offsets),
 * which most readers never need (only a document with an error is located).
 */
function lazyLocator(build: () => LineLocator): LineLocator {
  let built: LineLocator | undefined;
  return (path) => (built ??= build())(path);
}

/** JSON is YAML: reuse the YAML locator. */
function jsonLineLocator(source: string): LineLocator {
  return yamlLineLocator(source);
}
