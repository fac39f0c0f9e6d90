import { type SecretRef, secretRef } from '@chatops/core';
import type { z } from 'zod';
import type { Environment } from './environment.js';
import { environmentSchema } from './schema.js';

type Path = (string | number)[];

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
  readonly getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** A `secretRef` field, however it is wrapped or described (`.describe()` clones the schema, not its options). */
function isSecretRef(schema: z.ZodType): boolean {
  const def = defOf(schema);
  return schema === secretRef || (def.type === 'union' && def.options === defOf(secretRef).options);
}

/** The schema a wrapper (optional, default, prefault, pipe, lazy, ...) stands for, or the schema itself. */
function children(def: Def): z.ZodType[] {
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return [def.innerType!];
    case 'pipe':
      return [def.in!, def.out!];
    case 'lazy':
      return [def.getter!()];
    case 'intersection':
      return [def.left!, def.right!];
    default:
      return [];
  }
}

function walk(schema: z.ZodType, value: unknown, path: Path, out: Map<string, { path: Path; ref: SecretRef }>): void {
  if (value === undefined || value === null) return;
  if (isSecretRef(schema)) {
    out.set(JSON.stringify(path), { path, ref: value as SecretRef });
    return;
  }
  const def = defOf(schema);
  if (def.type === 'object' && typeof value === 'object') {
    for (const [key, field] of Object.entries(def.shape!)) walk(field, (value as Record<string, unknown>)[key], [...path, key], out);
  } else if (def.type === 'array' && Array.isArray(value)) {
    value.forEach((v, i) => walk(def.element!, v, [...path, i], out));
  } else if (def.type === 'record' && typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) walk(def.valueType!, v, [...path, key], out);
  } else if (def.type === 'union') {
    // Only the options the value is (a string is not a secretRef in `z.union([z.string(), secretRef])`).
    for (const option of def.options!) if (option.safeParse(value).success) walk(option, value, path, out);
  } else {
    for (const child of children(def)) walk(child, value, path, out);
  }
}

/**
 * Every secret reference in a validated environment, with its document path: each `secretRef` field the schema
 * declares (under objects, arrays, records and unions), found by walking the schema alongside the value, so a new
 * secret field is resolved at load time without a list to keep.
 */
export function secretRefs(env: Environment, schema: z.ZodType = environmentSchema): { path: Path; ref: SecretRef }[] {
  const out = new Map<string, { path: Path; ref: SecretRef }>();
  walk(schema, env, [], out);
  return [...out.values()];
}
