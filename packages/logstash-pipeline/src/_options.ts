import { ConfigError, validateWith } from '@chatops/core';
import type { z } from 'zod';
import type { ValueInput } from './ast-builders.js';
import { plugin } from './ast-builders.js';
import type { Plugin } from './ast.js';

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Validates builder props with a strict zod schema and turns them into a plugin whose attributes follow the
 * schema's key order (camelCase props become Logstash's snake_case options), so output is stable.
 */
export function optionsPlugin<S extends z.ZodObject>(
  name: string,
  schema: S,
  props: z.input<S>,
  check?: (options: z.output<S>) => { path: (string | number)[]; message: string }[],
): Plugin {
  const options = validateWith(schema, props) as Record<string, unknown>;
  const problems = check?.(options as z.output<S>) ?? [];
  if (problems.length > 0) throw new ConfigError(problems.map((p) => ({ path: [name, ...p.path], message: p.message })));
  const pairs: [string, ValueInput][] = [];
  for (const key of Object.keys(schema.shape)) {
    const v = options[key];
    if (v !== undefined) pairs.push([snake(key), v as ValueInput]);
  }
  return plugin(name, pairs);
}
