/**
 * The Logstash config language (LSCL) as data. The shapes follow the upstream grammar
 * (`logstash-core/lib/logstash/compiler/lscl/lscl_grammar.treetop`) node for node, so that printing and parsing
 * round-trip exactly. Comments and layout are not part of the AST.
 *
 * String values are the *raw* text between the quotes: with Logstash's default `config.support_escapes: false`
 * nothing is unescaped, so `"a\"b"` holds the four characters `a\"b`.
 */

export const SECTION_TYPES = ['input', 'filter', 'output'] as const;
export type SectionType = (typeof SECTION_TYPES)[number];

/** A whole config file: `input { } filter { } output { }` sections, repeatable, in order. */
export interface Config {
  readonly sections: readonly Section[];
}

export interface Section {
  readonly type: SectionType;
  readonly body: readonly Statement[];
}

export type Statement = Plugin | Branch;

/** `name { attr => value ... }`: a plugin in a section, or a codec as an attribute value. */
export interface Plugin {
  readonly kind: 'plugin';
  /** `[A-Za-z0-9_-]+` (Logstash looks a quoted name up with its quotes, so it is never quoted). */
  readonly name: string;
  /** In order; a name may repeat (Logstash merges repeated hashes and collects other values into an array). */
  readonly attributes: readonly Attribute[];
}

export interface Attribute {
  /** Printed bare when it matches `[A-Za-z0-9_-]+`, else quoted. */
  readonly name: string;
  readonly value: Value;
}

/** `[A-Za-z_][A-Za-z0-9_]+` (at least two characters). */
export interface Bareword {
  readonly kind: 'bareword';
  readonly value: string;
}

/** A quoted string; `value` is the raw text between the quotes (no escapes are processed). */
export interface StringValue {
  readonly kind: 'string';
  readonly value: string;
}

/** A number as written: `-?[0-9]+(\.[0-9]*)?` (no exponent; a `.` makes it a float). */
export interface NumberValue {
  readonly kind: 'number';
  readonly value: string;
}

export interface ArrayValue {
  readonly kind: 'array';
  readonly items: readonly Value[];
}

export type HashKey = Bareword | StringValue | NumberValue;

export interface HashEntry {
  readonly key: HashKey;
  readonly value: Value;
}

/** `{ key => value ... }`, no commas; keys are unique. */
export interface HashValue {
  readonly kind: 'hash';
  readonly entries: readonly HashEntry[];
}

/** An attribute value. Plugins (codecs) are only valid as a plugin attribute's value, not inside arrays or hashes. */
export type Value = Plugin | Bareword | StringValue | NumberValue | ArrayValue | HashValue;

/** A field reference `[a][b]`; each element is `[^\][,]+`. */
export interface Selector {
  readonly kind: 'selector';
  readonly path: readonly string[];
}

/** `/source/`; `source` is raw (a `/` inside must be written `\/`). */
export interface Regexp {
  readonly kind: 'regexp';
  readonly source: string;
}

/** What may stand on either side of a comparison. */
export type RValue = StringValue | NumberValue | Selector | ArrayValue | Regexp;

export const BOOLEAN_OPERATORS = ['and', 'or', 'xor', 'nand'] as const;
export type BooleanOperator = (typeof BOOLEAN_OPERATORS)[number];
export const COMPARE_OPERATORS = ['==', '!=', '<=', '>=', '<', '>'] as const;
export type CompareOperator = (typeof COMPARE_OPERATORS)[number];
export type MatchOperator = '=~' | '!~';

/** `( condition )` */
export interface Group {
  readonly kind: 'group';
  readonly condition: Condition;
}

/** `!( condition )` or `![field]` */
export interface Not {
  readonly kind: 'not';
  readonly operand: Group | Selector;
}

/** `left in right` / `left not in right` */
export interface In {
  readonly kind: 'in';
  readonly negated: boolean;
  readonly left: RValue;
  readonly right: RValue;
}

export interface Compare {
  readonly kind: 'compare';
  readonly operator: CompareOperator;
  readonly left: RValue;
  readonly right: RValue;
}

/** `[field] =~ /re/` or `[field] !~ "re"` */
export interface Match {
  readonly kind: 'match';
  readonly operator: MatchOperator;
  readonly left: RValue;
  readonly pattern: StringValue | Regexp;
}

/** One operand of a condition; a bare rvalue tests a field for truthiness. */
export type Expression = Group | Not | In | Compare | Match | RValue;

/**
 * `e1 op1 e2 op2 e3 ...`, kept flat as written: Logstash's own precedence handling is idiosyncratic (and rejects
 * `xor`/`nand` next to another operator), so the AST never re-associates. `operators.length === operands.length - 1`.
 */
export interface Condition {
  readonly kind: 'condition';
  readonly operands: readonly Expression[];
  readonly operators: readonly BooleanOperator[];
}

export interface Clause {
  readonly condition: Condition;
  readonly body: readonly Statement[];
}

/** `if c { } else if c { } ... else { }`; `clauses[0]` is the `if`. */
export interface Branch {
  readonly kind: 'branch';
  readonly clauses: readonly Clause[];
  readonly else?: readonly Statement[];
}

export type Node = Config | Section | Statement | Value | Expression | Condition | HashEntry | Attribute | Clause;
