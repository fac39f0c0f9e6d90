import type { Diagnostic } from '@chatops/core';
import { parseConfig } from './parse.js';

/** Lints a config file's text: syntax and compiler errors, each with file, line and column. */
export function lint(text: string, file?: string): Diagnostic[] {
  return [...parseConfig(text, { file }).diagnostics];
}

/** `file:line:col: message` */
export function formatLintDiagnostic(d: Diagnostic): string {
  return `${d.file ?? '<input>'}:${d.line ?? 1}:${d.column ?? 1}: ${d.message}`;
}
