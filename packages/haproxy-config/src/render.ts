import { ConfigError, type Diagnostic, validateWith } from '@chatops/core';
import { checkHaproxyConfig } from './check.js';
import { type HaproxyConfig, type HaproxyConfigInput, haproxyConfigSchema } from './haproxy-config.js';
import { formatHaproxyConfig } from './print.js';

/**
 * Validates a model: strict schema (unknown keys rejected, defaults applied), then `checkHaproxyConfig`. Throws a
 * ConfigError listing every problem with its path, e.g. `backends.chatops.servers.chatops-1.ssl.caFile: ...`.
 */
export function validateHaproxyConfig(input: HaproxyConfigInput, where: Partial<Diagnostic> = {}): HaproxyConfig {
  const config = validateWith(haproxyConfigSchema, input, where);
  const problems = checkHaproxyConfig(config);
  if (problems.length > 0)
    throw new ConfigError(
      problems.map((d) => ({ ...where, ...d })),
      config,
    );
  return config;
}

/** Validates, checks and prints a model: the one call most users need (`haproxy -c` accepts what it prints). */
export function printHaproxyConfig(input: HaproxyConfigInput, where: Partial<Diagnostic> = {}): string {
  return formatHaproxyConfig(validateHaproxyConfig(input, where));
}
