import { toYaml } from '@chatops/core';
import { type FilebeatConfig, filebeatConfigSchema } from './filebeat-config.js';
import type { InputsFile } from './inputs.js';
import { validateFilebeatConfig, validateInputsFile } from './validate.js';

export interface PrintOptions {
  /** Comment block printed first. */
  readonly header?: string;
}

// Print order of top-level keys: what people look for first.
const TOP_LEVEL_ORDER = Object.keys(filebeatConfigSchema.shape);

/**
 * Prints a validated filebeat.yml in nested form (valid YAML 1.1, deterministic, ends with a newline). Validates
 * first: a printed file always passes the strict model.
 */
export function printFilebeatConfig(config: FilebeatConfig, options: PrintOptions = {}): string {
  const valid = validateFilebeatConfig(config);
  const ordered: Record<string, unknown> = {};
  for (const key of TOP_LEVEL_ORDER)
    if (valid[key as keyof FilebeatConfig] !== undefined) ordered[key] = valid[key as keyof FilebeatConfig];
  return toYaml(ordered, { header: options.header });
}

/** Prints an external input file: a plain YAML list of inputs. */
export function printInputsFile(inputs: InputsFile, options: PrintOptions = {}): string {
  return toYaml(validateInputsFile(inputs), { header: options.header });
}
