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
 * The environment fields a generated value may have come from, best first: the fields whose value it is, else
 * those of the longest field value (3 characters or more) it contains. Several only when they tie. `among`
 * restricts the search to some fields (those a renderer read, see `readFields`).
 */
function origins(env: Environment, generated: unknown, among?: ReadonlySet<string>): DocumentPath[] {
  const fields = leaves(env).filter((f) => !DERIVED.has(String(f.path[0])) && (!among || among.has(JSON.stringify(f.path))));
  let best = 0;
  let found: DocumentPath[] = [];
  for (const g of leaves(generated)) {
    for (const f of fields) {
      let score = 0;
      if (f.value === g.value) score = Number.MAX_SAFE_INTEGER;
      else if (typeof f.value === 'string' && typeof g.value === 'string' && f.value.length >= 3 && g.value.includes(f.value))
        score = f.value.length;
      if (score === 0 || score < best) continue;
      if (score > best) found = [];
      best = score;
      if (!found.some((p) => formatPath(p) === formatPath(f.path))) found.push(f.path);
    }
  }
  return found;
}

/**
 * The environment field a generated value came from, found by value: the field whose value it is, else the longest
 * field value (3 characters or more) it contains (the first in environment order on a tie). Undefined when no
 * field matches. `among`: only these fields (JSON-encoded paths, as `readFields` returns them).
 */
export function environmentOrigin(env: Environment, generated: unknown, among?: ReadonlySet<string>): DocumentPath | undefined {
  return origins(env, generated, among)[0];
}

/**
 * The environment fields (JSON-encoded paths of leaves) that `run` reads from the environment it is given: a
 * renderer run again on a recording view of the environment, so that a value it refuses is traced back among the
 * fields it used only (a value such as `3000` or `prometheus` is the value of several fields). Objects keep their
 * identity within the view (`nodes.indexOf(node)` works when `node` is taken from it).
 */
export function readFields<T>(
  env: Environment,
  run: (view: Environment) => T,
): { readonly read: Set<string>; readonly result: T | unknown } {
  const read = new Set<string>();
  const views = new WeakMap<object, unknown>();
  const view = (value: unknown, path: DocumentPath): unknown => {
    if (value === null || typeof value !== 'object') {
      read.add(JSON.stringify(path));
      return value;
    }
    if (views.has(value)) return views.get(value);
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof key === 'symbol' || typeof v === 'function' || (Array.isArray(target) && key === 'length')) return v;
        const own = Object.getOwnPropertyDescriptor(target, key);
        if (!own || (!own.configurable && !own.writable)) return v; // a proxy must return a frozen property as it is
        return view(v, [...path, Array.isArray(target) ? Number(key) : key]);
      },
    });
    views.set(value, proxy);
    return proxy;
  };
  let result: T | unknown;
  try {
    result = run(view(env, []) as Environment);
  } catch (e) {
    result = e;
  }
  return { read, result };
}

/**
 * Restates a renderer's problem in environment terms. A diagnostic without a generated document is already about
 * an environment path and keeps it; otherwise the value at its path in the generated `document` is traced back to
 * the environment field it came from (among `read`, the fields the renderer read, when known), and the generated
 * path is kept in the message, with the other fields that hold the same value when several do. `context` (e.g.
 * "grafana on grafana-1") prefixes the message.
 */
export function inEnvironmentTerms(
  env: Environment,
  d: Diagnostic,
  document: unknown,
  context: string,
  read?: ReadonlySet<string>,
): Diagnostic {
  if (document === undefined || document === env) return { ...d, message: `${context}: ${d.message}` };
  const generated = valueAt(document, d.path);
  let found = read ? origins(env, generated, read) : [];
  if (found.length === 0) found = origins(env, generated);
  const where = d.path.length > 0 ? ` (${formatPath(d.path)} of what it renders)` : '';
  const also =
    found.length > 1
      ? ` (the same value as ${found
          .slice(1)
          .map((p) => formatPath(p, env))
          .join(', ')})`
      : '';
  return { ...d, path: found[0] ?? [], message: `${context}: ${d.message}${where}${also}` };
}
