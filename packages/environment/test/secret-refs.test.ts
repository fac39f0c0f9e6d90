import { join } from 'node:path';
import { secretRef } from '@chatops/core';
import { environmentSchema, loadEnvironment, secretRefs } from '@chatops/environment';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const EXAMPLES = join(__dirname, '../../../examples/cloud-chatops/environments');
const prod = () => loadEnvironment(join(EXAMPLES, 'prod.yaml'), { resolveSecrets: false }).environment;

/** Every `secretRef` field the schema declares, as a path pattern (`*` for an array item or record key). */
function declaredSecretFields(schema: z.ZodType, path: string[] = [], seen = new Set<z.ZodType>()): string[] {
  if (seen.has(schema)) return [];
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  if (
    schema === secretRef ||
    (def.type === 'union' && def.options === (secretRef as unknown as { _zod: { def: { options: unknown } } })._zod.def.options)
  )
    return [path.join('.')];
  const next = (s: unknown, p = path) => declaredSecretFields(s as z.ZodType, p, new Set([...seen, schema]));
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([k, s]) => next(s, [...path, k]));
    case 'array':
      return next(def.element, [...path, '*']);
    case 'record':
      return next(def.valueType, [...path, '*']);
    case 'union':
      return [...new Set((def.options as unknown[]).flatMap((o) => next(o)))];
    case 'pipe':
      return [...new Set([...next(def.in), ...next(def.out)])];
    default:
      return def.innerType ? next(def.innerType) : [];
  }
}

const pattern = (path: (string | number)[]) =>
  path
    .map((p) => (typeof p === 'number' ? '*' : p))
    .join('.')
    .replace(/^chatops\.secrets\.[^.]+$/, 'chatops.secrets.*');

describe('secretRefs (derived from the environment schema)', () => {
  it('finds every secretRef field the schema declares, each at its path with its value', () => {
    const env = prod();
    // Fill every optional secret so each declared field is present once.
    const full = {
      ...env,
      alerting: {
        ...env.alerting,
        slack: env.alerting.slack,
        email: { ...env.alerting.email!, password: { env: 'SMTP_PASSWORD' } },
        deadMansSwitch: { ...env.alerting.deadMansSwitch, url: { env: 'DMS_URL' } },
      },
    } as typeof env;
    const found = secretRefs(full);
    const declared = declaredSecretFields(environmentSchema);
    expect(declared.length).toBeGreaterThanOrEqual(12);
    expect([...new Set(found.map((f) => pattern(f.path)))].sort()).toEqual([...declared].sort());
    for (const { path, ref } of found) {
      const value = path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], full);
      expect(value, path.join('.')).toBe(ref);
    }
  });

  it('finds a secret field a schema gains, without a list to update', () => {
    const extended = environmentSchema.extend({
      extra: z.strictObject({ token: secretRef.describe('a new secret'), list: z.array(z.strictObject({ key: secretRef.optional() })) }),
    });
    const env = { ...prod(), extra: { token: { env: 'NEW_TOKEN' }, list: [{}, { key: { file: 'k.txt' } }] } };
    const found = secretRefs(env as never, extended).filter((f) => f.path[0] === 'extra');
    expect(found).toEqual([
      { path: ['extra', 'token'], ref: { env: 'NEW_TOKEN' } },
      { path: ['extra', 'list', 1, 'key'], ref: { file: 'k.txt' } },
    ]);
  });
});
