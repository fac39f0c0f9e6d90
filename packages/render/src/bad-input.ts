import { ConfigError, formatDiagnostic } from '@chatops/core';
import { UsageError } from './locate-environment.js';

/**
 * What a CLI prints for bad input (exit 2), one line each: every diagnostic of a ConfigError located in its
 * file, or a usage error's message. Undefined for anything else (a bug, or the caller's own failures).
 */
export function badInputLines(e: unknown): string[] | undefined {
  if (e instanceof ConfigError) return e.diagnostics.map((d) => `error: ${formatDiagnostic(d, e.document)}\n`);
  if (e instanceof UsageError) return [`error: ${e.message}\n`];
  return undefined;
}
