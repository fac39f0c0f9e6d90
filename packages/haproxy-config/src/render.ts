import { ConfigError, type Diagnostic, parseWith } from '@chatops/core';
import { checkHaproxyConfig } from './check.js';
import { type HaproxyConfig, type HaproxyConfigInput, haproxyConfigSchema } from './haproxy-config.js';
import { printHaproxyConfig } from './print.js';

/** Parses a model strictly (unknown keys rejected) and applies defaults; throws a ConfigError naming each path. */
export function parseHaproxyConfig(input: HaproxyConfigInput, where: Partial<Diagnostic> = {}): HaproxyConfig {
  return parseWith(haproxyConfigSchema, input, where);
}

/**
 * Validates, checks and prints a model: the one call most users need. Throws a ConfigError listing every
 * problem (schema and semantic) with its path, e.g. `backends.chatops.servers.chatops-1.ssl.caFile: ...`.
 */
export function renderHaproxyConfig(input: HaproxyConfigInput, where: Partial<Diagnostic> = {}): string {
  const config = parseHaproxyConfig(input, where);
  const problems = checkHaproxyConfig(config);
  if (problems.length > 0)
    throw new ConfigError(
      problems.map((d) => ({ ...where, ...d })),
      config,
    );
  return printHaproxyConfig(config);
}
