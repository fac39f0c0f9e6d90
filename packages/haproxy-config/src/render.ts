import { type Diagnostic, validateWith } from '@chatops/core';
import { checkHaproxyConfig } from './check.js';
import { type HaproxyConfig, type HaproxyConfigInput, haproxyConfigSchema } from './haproxy-config.js';
import { formatHaproxyConfig } from './print.js';

/**
 * Validates a model: strict schema (unknown keys rejected, defaults applied), then `checkHaproxyConfig`. Throws a
 * ConfigError listing every problem with its path, e.g. `backends.chatops.servers.chatops-1.ssl.caFile: ...`.
 */
export function validateHaproxyConfig(input: HaproxyConfigInput, where: Partial<Diagnostic> = {}): HaproxyConfig {
  return validateWith(haproxyConfigSchema, input, where, checkHaproxyConfig);
}

/** Validates, checks and prints a model: the one call most users need (`haproxy -c` accepts what it prints). */
export function printHaproxyConfig(input: HaproxyConfigInput, where: Partial<Diagnostic> = {}): string {
  return formatHaproxyConfig(validateHaproxyConfig(input, where));
}
