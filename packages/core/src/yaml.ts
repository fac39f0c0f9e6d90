import { dump } from 'js-yaml';

export interface YamlOptions {
  /** A comment block printed first (each line prefixed with `# `). */
  readonly header?: string;
}

/**
 * Serializes to YAML deterministically: insertion key order, no line folding, no anchors, and every string a
 * YAML 1.1 reader would take for something else (`on`, `no`, `0755`, `1:30`, `~`) quoted.
 */
export function toYaml(value: unknown, options: YamlOptions = {}): string {
  const body = dump(stripUndefined(value), { lineWidth: -1, noRefs: true });
  return withHeader(options.header, body);
}

export function withHeader(header: string | undefined, body: string, marker = '#'): string {
  if (!header) return body;
  const lines = header.split('\n').map((l) => (l ? `${marker} ${l}` : marker));
  return `${lines.join('\n')}\n${body}`;
}

/** Removes `undefined` members recursively, so optional model fields never print as `null`. */
export function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripUndefined) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = stripUndefined(v);
    return out as T;
  }
  return value;
}
