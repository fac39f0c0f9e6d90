import type { z } from 'zod';

export type DocumentPath = readonly (string | number)[];

/** One problem found in a document, located as precisely as the parser allows. */
export interface Diagnostic {
  readonly message: string;
  /** Path inside the document, e.g. `['nodes', 0, 'address']`. */
  readonly path: DocumentPath;
  readonly file?: string;
  /** 1-based line, where known. */
  readonly line?: number;
  /** 1-based column, where known. */
  readonly column?: number;
}

/**
 * Formats a document path the way people read it: `nodes.lb-1.address`. When `doc` is given, array indices of
 * elements carrying a `name` are shown as that name.
 */
export function formatPath(path: DocumentPath, doc?: unknown): string {
  const parts: string[] = [];
  let cursor: unknown = doc;
  for (const segment of path) {
    let label = String(segment);
    if (typeof segment === 'number' && Array.isArray(cursor)) {
      const element: unknown = cursor[segment];
      const name = element && typeof element === 'object' ? (element as Record<string, unknown>).name : undefined;
      // Only names that read as one path segment (a node named `.` would print as `nodes...name`).
      if (typeof name === 'string' && /^[A-Za-z0-9_-][\w.-]*$/.test(name) && !name.includes('..')) label = name;
    }
    // A key with a line break or another control character is quoted: an error message never gains a line.
    parts.push(/[\u0000-\u001f\u007f]/.test(label) ? JSON.stringify(label) : label);
    cursor = cursor && typeof cursor === 'object' ? (cursor as Record<string | number, unknown>)[segment] : undefined;
  }
  return parts.length === 0 ? '(document)' : parts.join('.');
}

/** `prod.yaml:12: nodes.lb-1.address: expected an IP address` */
export function formatDiagnostic(d: Diagnostic, doc?: unknown): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ''}${d.line && d.column ? `:${d.column}` : ''}: ` : '';
  const path = d.path.length > 0 ? `${formatPath(d.path, doc)}: ` : '';
  return `${where}${path}${d.message}`;
}

// One brand for every copy of this class: the ESM and the CJS build of @chatops/core (a dual-package install loads
// both when one dependency imports and another requires), or two installed versions. `instanceof` checks the brand.
const CONFIG_ERROR = Symbol.for('@chatops/core.ConfigError');

/**
 * An error that carries diagnostics; the CLI prints them one per line and exits 2. `instanceof ConfigError` holds
 * for an error made by any copy of `@chatops/core` (ESM or CJS build), not only this one.
 */
export class ConfigError extends Error {
  /** @internal The cross-copy brand `instanceof` looks for. */
  readonly [CONFIG_ERROR] = true;

  constructor(
    readonly diagnostics: readonly Diagnostic[],
    readonly document?: unknown,
  ) {
    super(diagnostics.map((d) => formatDiagnostic(d, document)).join('\n'));
    this.name = 'ConfigError';
  }

  static override [Symbol.hasInstance](value: unknown): value is ConfigError {
    // A subclass keeps the ordinary prototype check: its own copies are not branded apart from ConfigError's.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` asks about, ConfigError or a subclass inheriting this method
    if (this !== ConfigError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [CONFIG_ERROR]?: unknown })[CONFIG_ERROR] === true;
  }
}

/** Converts zod issues to diagnostics, keeping the message short and the path exact. */
export function zodDiagnostics(error: z.ZodError, extra: Partial<Diagnostic> = {}): Diagnostic[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path as (string | number)[];
    // One diagnostic per unknown key, located at the key itself (typos are easier to find that way).
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ ...extra, path: [...path, key], message: 'unknown key' }));
    // A union whose one branch matched the shape and failed only inside a value (`{ onNode: <bad path> }`):
    // that value's own message, at its own path, says more than the union's "expected one of ...".
    if (issue.code === 'invalid_union') {
      const inside = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
      if (inside.length === 1)
        return zodDiagnostics({ issues: inside[0]!.map((i) => ({ ...i, path: [...path, ...i.path] })) } as z.ZodError, extra);
    }
    return [{ ...extra, path, message: zodMessage(issue) }];
  });
}

function zodMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  if (issue.code === 'invalid_union' && !issue.message.startsWith('Invalid input')) return issue.message;
  if (issue.code === 'invalid_union') {
    // Report the branch that got furthest rather than "Invalid input".
    const deepest = issue.errors.flat().sort((a, b) => b.path.length - a.path.length)[0];
    if (deepest) return zodMessage(deepest);
  }
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `required ${issue.expected} is missing`;
  // A mapping key its record's key rule refuses: that rule's message (zod's own is "Invalid key in record").
  if (issue.code === 'invalid_key') {
    const inner = issue.issues.map((i) => zodMessage(i));
    if (inner.length > 0) return `this key is not allowed: ${inner.join('; ')}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

/** Orders diagnostics by file, then line (unlocated last), keeping the original order otherwise. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.file ?? '').localeCompare(b.d.file ?? '') || (a.d.line ?? Infinity) - (b.d.line ?? Infinity) || a.i - b.i)
    .map(({ d }) => d);
}

/**
 * Parses with a zod schema and throws a ConfigError carrying every issue's path; then, given the model's own
 * `check` (model → diagnostics), runs it on the typed model and throws a ConfigError with every problem it finds
 * (each located by `where` unless it says otherwise). The `validateX` of each config package.
 */
export function validateWith<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: Partial<Diagnostic> = {},
  check?: (model: z.output<T>) => readonly Diagnostic[],
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConfigError(zodDiagnostics(result.error, where), value);
  const problems = check?.(result.data) ?? [];
  if (problems.length > 0)
    throw new ConfigError(
      problems.map((p) => ({ ...where, ...p })),
      result.data,
    );
  return result.data;
}
