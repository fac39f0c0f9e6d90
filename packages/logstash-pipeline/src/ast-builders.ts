import { numberText } from './_lexical.js';
import type {
  ArrayValue,
  Attribute,
  Bareword,
  BooleanOperator,
  Branch,
  CompareOperator,
  Condition,
  Config,
  Expression,
  HashValue,
  NumberValue,
  Plugin,
  Regexp,
  RValue,
  Section,
  SectionType,
  Selector,
  Statement,
  StringValue,
  Value,
} from './ast.js';

/** What builders accept where a value goes: JS scalars, arrays and plain objects convert to AST values. */
export type ValueInput = Value | string | number | boolean | readonly ValueInput[] | { readonly [key: string]: ValueInput };

const VALUE_KINDS = new Set(['plugin', 'bareword', 'string', 'number', 'array', 'hash']);

function isValue(x: unknown): x is Value {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && VALUE_KINDS.has((x as { kind?: unknown }).kind as string);
}

export const str = (value: string): StringValue => ({ kind: 'string', value });
export const bare = (value: string): Bareword => ({ kind: 'bareword', value });
export const num = (value: number): NumberValue => ({ kind: 'number', value: numberText(value) });
export const regex = (source: string): Regexp => ({ kind: 'regexp', source });

/** Converts builder input to an AST value: strings are quoted, booleans are barewords, objects are hashes (key order kept). */
export function toValue(x: ValueInput): Value {
  if (typeof x === 'string') return str(x);
  if (typeof x === 'number') return num(x);
  if (typeof x === 'boolean') return bare(String(x));
  if (Array.isArray(x)) return { kind: 'array', items: x.map(toValue) } satisfies ArrayValue;
  if (isValue(x)) return x;
  const entries = Object.entries(x as Record<string, ValueInput>).map(([k, v]) => ({ key: str(k), value: toValue(v) }));
  return { kind: 'hash', entries } satisfies HashValue;
}

/**
 * A plugin from an options object; `undefined` options are left out, arrays of options become repeated
 * attributes only when given as `[name, value][]`.
 */
export function plugin(
  name: string,
  options: Readonly<Record<string, ValueInput | undefined>> | readonly (readonly [string, ValueInput])[] = {},
): Plugin {
  const pairs = Array.isArray(options) ? (options as readonly (readonly [string, ValueInput])[]) : Object.entries(options);
  const attributes: Attribute[] = [];
  for (const [key, v] of pairs) if (v !== undefined) attributes.push({ name: key, value: toValue(v) });
  return { kind: 'plugin', name, attributes };
}

export const section = (type: SectionType, body: readonly Statement[]): Section => ({ type, body });
export const config = (...sections: readonly Section[]): Config => ({ sections });

/** `[a][b]` from `field('a', 'b')`, or from the text `field('[a][b]')`. */
export function field(...path: readonly string[]): Selector {
  if (path.length === 1 && /^(\[[^\][,]+\])+$/.test(path[0]!)) {
    return { kind: 'selector', path: [...path[0]!.matchAll(/\[([^\][,]+)\]/g)].map((m) => m[1]!) };
  }
  return { kind: 'selector', path };
}

type Operand = Expression | Condition;
type ScalarInput = RValue | string | number;

function rv(x: ScalarInput): RValue {
  if (typeof x === 'string') return str(x);
  if (typeof x === 'number') return num(x);
  return x;
}

function asExpression(x: Operand): Expression {
  if (x.kind !== 'condition') return x;
  if (x.operands.length === 1) return x.operands[0]!;
  return { kind: 'group', condition: x };
}

export function cond(x: Operand): Condition {
  return x.kind === 'condition' ? x : { kind: 'condition', operands: [x], operators: [] };
}

function join(op: BooleanOperator, xs: readonly Operand[]): Condition {
  if (xs.length === 0) throw new Error(`${op} needs at least one operand`);
  return { kind: 'condition', operands: xs.map(asExpression), operators: xs.slice(1).map(() => op) };
}

export const and = (...xs: readonly Operand[]): Condition => join('and', xs);
export const or = (...xs: readonly Operand[]): Condition => join('or', xs);

export function not(x: Selector | Operand): Expression {
  if (x.kind === 'selector') return { kind: 'not', operand: x };
  const c = cond(x);
  return { kind: 'not', operand: { kind: 'group', condition: c } };
}

export function compare(left: ScalarInput, operator: CompareOperator, right: ScalarInput): Expression {
  return { kind: 'compare', operator, left: rv(left), right: rv(right) };
}
export const eq = (left: ScalarInput, right: ScalarInput) => compare(left, '==', right);
export const ne = (left: ScalarInput, right: ScalarInput) => compare(left, '!=', right);

/** `[field] =~ /re/` (a RegExp or string source) */
export function matches(left: Selector, pattern: RegExp | string, negated = false): Expression {
  const p = typeof pattern === 'string' ? str(pattern) : regex(pattern.source.replaceAll(/(?<!\\)\//g, '\\/'));
  return { kind: 'match', operator: negated ? '!~' : '=~', left, pattern: p };
}

/** `left in [a, b]` */
export function isIn(left: ScalarInput, right: RValue | readonly (string | number)[], negated = false): Expression {
  const r: RValue = Array.isArray(right)
    ? { kind: 'array', items: right.map((x) => (typeof x === 'string' ? str(x) : num(x))) }
    : (right as RValue);
  return { kind: 'in', negated, left: rv(left), right: r };
}

export interface IfProps {
  readonly elseIf?: readonly { readonly when: Operand; readonly then: readonly Statement[] }[];
  readonly else?: readonly Statement[];
}

/** `if when { then } else if ... else { }` */
export function ifThen(when: Operand, then: readonly Statement[], props: IfProps = {}): Branch {
  const clauses = [{ condition: cond(when), body: then }, ...(props.elseIf ?? []).map((c) => ({ condition: cond(c.when), body: c.then }))];
  return props.else ? { kind: 'branch', clauses, else: props.else } : { kind: 'branch', clauses };
}
