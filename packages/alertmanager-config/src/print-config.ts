import { toYaml } from '@chatops/core';
import type { AlertmanagerConfigInput } from './alertmanager-config.js';
import { validateAlertmanagerConfig } from './checks.js';

export interface PrintOptions {
  /** A comment block printed at the top of the file. @default none */
  readonly header?: string;
}

/**
 * Validates a config (strict schema and semantic checks) and prints `alertmanager.yml`: keys in a stable order
 * (the schema's), optional fields left out, strings quoted where a YAML 1.1 reader could misread them.
 */
export function printAlertmanagerConfig(input: AlertmanagerConfigInput, options: PrintOptions = {}): string {
  return toYaml(validateAlertmanagerConfig(input), options);
}
