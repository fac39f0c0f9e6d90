import { type Diagnostic, type DocumentPath, formatPath } from '@chatops/core';
import type { Environment } from './environment.js';

// Fields the loader derives rather than reads (they have no line in any file).
const DERIVED = new Set(['baseDir', 'sourceFile']);

function leaves(value: unknown, path: DocumentPath = []): { path: DocumentPath; value: string | number }[] {
  if (typeof value === 'string' || typeof value === 'number') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [];
}

function valueAt(doc: unknown, path: DocumentPath): unknown {
  let cursor: unknown = doc;
  for (const seg of path) cursor = cursor && typeof cursor === 'object' ? (cursor as Record<string | number, unknown>)[seg] : undefined;
  return cursor;
}

/**
 * The environment field a generated value came from, found by value: the field whose value it is, else the longest
 * field value (3 characters or more) it contains. Undefined when no field matches.
 */
export function environmentOrigin(env: Environment, generated: unknown): DocumentPath | undefined {
  const fields = leaves(env).filter((f) => !DERIVED.has(String(f.path[0])));
  let best: { path: DocumentPath; score: number } | undefined;
  for (const g of leaves(generated)) {
    for (const f of fields) {
      let score = 0;
      if (f.value === g.value) score = Number.MAX_SAFE_INTEGER;
      else if (typeof f.value === 'string' && typeof g.value === 'string' && f.value.length >= 3 && g.value.includes(f.value))
        score = f.value.length;
      if (score > (best?.score ?? 0)) best = { path: f.path, score };
    }
  }
  return best?.path;
}

/**
 * Restates a renderer's problem in environment terms. A diagnostic without a generated document is already about
 * an environment path and keeps it; otherwise the value at its path in the
 * generated `document` is traced back to the environment field it came from, and the generated path is kept in
 * the message. `context` (e.g. "grafana on grafana-1") prefixes the message.
 */
export function inEnvironmentTerms(env: Environment, d: Diagnostic, document: unknown, context: string): Diagnostic {
  if (document === undefined || document === env) return { ...d, message: `${context}: ${d.message}` };
  const origin = environmentOrigin(env, valueAt(document, d.path));
  const where = d.path.length > 0 ? ` (${formatPath(d.path)} of what it renders)` : '';
  return { ...d, path: origin ?? [], message: `${context}: ${d.message}${where}` };
}
