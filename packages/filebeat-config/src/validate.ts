import { ConfigError, type Diagnostic, type DocumentPath } from '@chatops/core';
import type { z } from 'zod';
import { type FilebeatConfig, filebeatConfigSchema } from './filebeat-config.js';
import { type InputsFile, inputsFileSchema } from './inputs.js';
import { unknownKeyHint } from './_hints.js';

function deepest(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const candidates = issue.errors.flat().map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue);
  return deepest(candidates.sort((a, b) => b.path.length - a.path.length)[0] ?? issue);
}

/** Converts zod issues into diagnostics: one per unknown key (with a hint where we know better), exact paths. */
export function filebeatDiagnostics(error: z.ZodError, extra: Partial<Diagnostic> = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of error.issues) {
    const issue = deepest(raw);
    const path = issue.path as (string | number)[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const hint = unknownKeyHint(path, key);
        out.push({ ...extra, path: [...path, key], message: `unknown key${hint ? ` (${hint})` : ''}` });
      }
    } else if (issue.code === 'invalid_key' && issue.issues[0]) {
      out.push({ ...extra, path, message: `key ${JSON.stringify(String(path[path.length - 1]))}: ${issue.issues[0].message}` });
    } else {
      out.push({ ...extra, path, message: issue.message });
    }
  }
  return out;
}

function parseStrict<T extends z.ZodType>(schema: T, value: unknown, extra: Partial<Diagnostic>): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConfigError(filebeatDiagnostics(result.error, extra), value);
  return result.data;
}

/** Validates a nested filebeat.yml document against the strict model; throws a ConfigError listing every problem. */
export function validateFilebeatConfig(value: unknown, where: Partial<Diagnostic> = {}): FilebeatConfig {
  return parseStrict(filebeatConfigSchema, value, where);
}

/** Validates an external input file (a plain list of inputs). */
export function validateInputsFile(value: unknown, where: Partial<Diagnostic> = {}): InputsFile {
  return parseStrict(inputsFileSchema, value, where);
}

/** A Filebeat instance's config: the main file and the external input files it loads. */
export interface FilebeatFiles {
  readonly config: FilebeatConfig;
  /** External input files by node path. */
  readonly inputFiles?: ReadonlyMap<string, InputsFile>;
}

/**
 * Checks across files that a per-file schema cannot see: input ids are unique over filebeat.inputs and every
 * external input file (Filebeat keys registry state by id), and input files exist only if the config loads them.
 */
export function checkFilebeatFiles(files: FilebeatFiles): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const seen = new Map<string, string>();
  const visit = (id: string, where: string, path: DocumentPath, file?: string) => {
    const first = seen.get(id);
    if (first) problems.push({ path, file, message: `duplicate input id "${id}" (also in ${first})` });
    else seen.set(id, where);
  };
  (files.config.filebeat.inputs ?? []).forEach((input, i) => visit(input.id, 'filebeat.yml', ['filebeat', 'inputs', i, 'id']));
  const external = files.config.filebeat.config?.inputs;
  for (const [file, inputs] of files.inputFiles ?? []) {
    if (!external || external.enabled === false || !globMatches(external.path, file)) {
      problems.push({ path: [], file, message: `input file is not loaded: filebeat.config.inputs.path is ${external?.path ?? 'unset'}` });
    }
    inputs.forEach((input, i) => visit(input.id, file, [i, 'id'], file));
  }
  return problems;
}

/** Go `filepath.Match` semantics for the simple globs we use (`*`, `?`, no `/` crossing). */
export function globMatches(glob: string, path: string): boolean {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`).test(path);
}
