import type { DocumentPath } from '@chatops/core';

const CONDITION_OPERATORS = new Set(['equals', 'contains', 'regexp', 'range', 'network']);
const RANGE_BOUNDS = new Set(['gt', 'gte', 'lt', 'lte']);

export interface ExpandedDocument {
  readonly value: unknown;
  /** Where each expanded path was written in the source (for line numbers). */
  readonly origin: ReadonlyMap<string, DocumentPath>;
  /** Keys written twice (`a.b: 1` and `a: { b: 2 }`), at their expanded paths. */
  readonly conflicts: readonly DocumentPath[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Flattens a condition operator's nested field map back to dotted field names, as Filebeat's conditions do. */
function flattenFields(value: unknown, operator: string, prefix = ''): unknown {
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${k}` : k;
    const leaf = !isObject(v) || (operator === 'range' && Object.keys(v).every((b) => RANGE_BOUNDS.has(b)));
    if (leaf) out[name] = v;
    else Object.assign(out, flattenFields(v, operator, name));
  }
  return out;
}

/**
 * Expands dotted keys the way Filebeat's config loader does (`output.logstash.hosts: [...]` is
 * `output: { logstash: { hosts: [...] } }`), except the field names of processor conditions (`equals`,
 * `regexp`, ...), which Filebeat flattens back to dotted event field names.
 */
export function expandDottedKeys(document: unknown): ExpandedDocument {
  const origin = new Map<string, DocumentPath>();
  const conflicts: DocumentPath[] = [];

  const walk = (value: unknown, source: DocumentPath, target: DocumentPath, inCondition: boolean): unknown => {
    origin.set(JSON.stringify(target), source);
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...source, i], [...target, i], inCondition));
    if (!isObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      let parts = key.split('.');
      let cursor = out;
      const dest: (string | number)[] = [...target];
      let conditionContext = inCondition;
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] ?? '';
        dest.push(part);
        if (part === 'when') conditionContext = true;
        const operator = conditionContext && CONDITION_OPERATORS.has(part);
        let leafValue = child;
        if (operator && i < parts.length - 1) {
          // `regexp.container.name: x`: the rest of the key is an event field name, not nesting.
          leafValue = { [parts.slice(i + 1).join('.')]: child };
          parts = parts.slice(0, i + 1);
        }
        const last = i === parts.length - 1;
        if (last) {
          let next: unknown;
          if (operator) {
            next = flattenFields(leafValue, part);
            origin.set(JSON.stringify(dest), [...source, key]);
          } else {
            next = walk(leafValue, [...source, key], dest, conditionContext);
          }
          const existing = cursor[part];
          if (existing === undefined) cursor[part] = next;
          else if (isObject(existing) && isObject(next)) cursor[part] = merge(existing, next, dest, conflicts);
          else conflicts.push([...dest]);
        } else {
          if (!origin.has(JSON.stringify(dest))) origin.set(JSON.stringify(dest), [...source, key]);
          const existing = cursor[part];
          if (existing === undefined) cursor[part] = {};
          else if (!isObject(existing)) {
            conflicts.push([...dest]);
            break;
          }
          cursor = cursor[part] as Record<string, unknown>;
        }
      }
    }
    return out;
  };
  const value = walk(document, [], [], false);
  return { value, origin, conflicts };
}

function merge(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  path: DocumentPath,
  conflicts: DocumentPath[],
): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const existing = out[k];
    if (existing === undefined) out[k] = v;
    else if (isObject(existing) && isObject(v)) out[k] = merge(existing, v, [...path, k], conflicts);
    else conflicts.push([...path, k]);
  }
  return out;
}
