import { ConfigError, type Diagnostic, yamlLineLocator } from '@chatops/core';
import { load } from 'js-yaml';
import type { AlertmanagerConfig } from './alertmanager-config.js';
import { validateAlertmanagerConfig } from './checks.js';

/**
 * Parses and validates an existing `alertmanager.yml` (e.g. a hand-written one in CI): every problem is reported
 * with the file, the line and the path in the document (`alertmanager.yml:12: route.receiver: ...`).
 */
export function parseAlertmanagerConfig(source: string, file = 'alertmanager.yml'): AlertmanagerConfig {
  let doc: unknown;
  try {
    doc = load(source, { filename: file });
  } catch (e) {
    const mark = (e as { mark?: { line?: number } }).mark;
    throw new ConfigError([
      {
        file,
        path: [],
        message: (e as Error).message.split('\n')[0] ?? 'invalid YAML',
        ...(mark?.line !== undefined ? { line: mark.line + 1 } : {}),
      },
    ]);
  }
  try {
    return validateAlertmanagerConfig(doc);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const locate = yamlLineLocator(source);
    const located: Diagnostic[] = e.diagnostics.map((d) => {
      const line = locate(d.path);
      return { ...d, file, ...(line !== undefined ? { line } : {}) };
    });
    throw new ConfigError(located, doc);
  }
}
