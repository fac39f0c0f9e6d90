import { z } from 'zod';
import { optionsPlugin } from './_options.js';
import type { Plugin } from './ast.js';
import { checkGrokExpression } from './grok-patterns.js';

const patternName = z.string().regex(/^[A-Za-z0-9_]+$/, { message: 'expected a pattern name of letters, digits and _' });

export const grokFilterSchema = z.strictObject({
  id: z.string().min(1).optional(),
  /** Field -> expression(s); the first matching expression wins. */
  match: z.record(z.string().min(1), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])),
  /** Custom patterns usable in `match`. */
  patternDefinitions: z.record(patternName, z.string().min(1)).optional(),
  /** Fields that may be overwritten by captures. */
  overwrite: z.array(z.string().min(1)).optional(),
  /** @default true */
  breakOnMatch: z.boolean().optional(),
  /** @default ['_grokparsefailure'] */
  tagOnFailure: z.array(z.string().min(1)).optional(),
  /** @default 'v8' in Logstash 8 */
  ecsCompatibility: z.enum(['disabled', 'v1', 'v8']).optional(),
});
export type GrokFilterProps = z.input<typeof grokFilterSchema>;

/** The `grok` filter; every `%{PATTERN}` must be a core pattern or one of `patternDefinitions`. */
export function grokFilter(props: GrokFilterProps): Plugin {
  return optionsPlugin('grok', grokFilterSchema, props, (o) => {
    const custom = new Set(Object.keys(o.patternDefinitions ?? {}));
    const problems: { path: (string | number)[]; message: string }[] = [];
    for (const [fieldName, expressions] of Object.entries(o.match)) {
      const list = typeof expressions === 'string' ? [expressions] : expressions;
      list.forEach((e, i) => {
        for (const message of checkGrokExpression(e, custom))
          problems.push({ path: ['match', fieldName, ...(typeof expressions === 'string' ? [] : [i])], message });
      });
    }
    for (const [name, e] of Object.entries(o.patternDefinitions ?? {})) {
      for (const message of checkGrokExpression(e, custom)) problems.push({ path: ['patternDefinitions', name], message });
    }
    return problems;
  });
}
