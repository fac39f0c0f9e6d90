import { type Diagnostic, type DocumentPath, durationPattern } from '@chatops/core';
import { parser } from '@prometheus-io/lezer-promql';
import { RE2JS } from 're2js';
import { PROMQL_FUNCTIONS, type PromqlType } from './_promql-functions.js';
import { regroupPromql } from './_promql-regroup.js';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** One problem in a PromQL expression. */
export interface PromqlError {
  readonly message: string;
  /** 1-based column (in characters) where the problem starts. */
  readonly column: number;
}

/** A label matcher of a selector: `name="value"`, `name=~"regex"`, ... */
export interface PromqlMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** A vector selector found in an expression. */
export interface PromqlSelector {
  /** The metric name, when the selector names one. */
  readonly metric?: string;
  readonly matchers: readonly PromqlMatcher[];
}

/**
 * The labels an expression's result series can carry. `open` means "any label may appear" (a plain selector
 * keeps every label of the stored series); when it is false, `names` is exhaustive (e.g. after `sum by (a, b)`).
 */
export interface PromqlLabels {
  readonly open: boolean;
  readonly names: readonly string[];
}

export type { PromqlType };

/** What `parsePromql` learns about an expression. */
export interface ParsedPromql {
  readonly expr: string;
  /** Empty when the expression is valid PromQL (as Prometheus 2.42 understands it). */
  readonly errors: readonly PromqlError[];
  /** Result type (`vector`, `scalar`, `matrix` or `string`), when it could be determined. */
  readonly type?: PromqlType;
  readonly selectors: readonly PromqlSelector[];
  /** Functions called, in order of appearance. */
  readonly functions: readonly string[];
  readonly labels: PromqlLabels;
}

interface LabelInfo {
  open: boolean;
  names: Set<string>;
}

const OPEN: () => LabelInfo = () => ({ open: true, names: new Set() });
const CLOSED: (names?: Iterable<string>) => LabelInfo = (names = []) => ({ open: false, names: new Set(names) });

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NUMBER = /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|[iI][nN][fF]|[nN][aA][nN])$/;
/** The token a syntax error points at: a name, number, string, operator or single character. */
const TOKEN = /^\s*([A-Za-z_:][\w:]*|\d[\w.]*|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|=~|!~|!=|==|>=|<=|\S)/;
const COMPARISON = new Set(['Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte']);
const SET_OPS = new Set(['And', 'Or', 'Unless']);
const ARITHMETIC = new Set(['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Pow', 'Atan2']);

/** Unquotes a PromQL string literal (Go syntax: "..." and '...' with escapes, `...` raw). */
export function unquotePromqlString(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, esc: string) => {
    switch (esc[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'u':
      case 'x':
        return String.fromCharCode(Number.parseInt(esc.slice(1), 16));
      default:
        return /^[0-7]{3}$/.test(esc) ? String.fromCharCode(Number.parseInt(esc, 8)) : esc;
    }
  });
}

/** Whether `pattern` is a valid RE2 regular expression (the syntax Prometheus uses), with the error if not. */
export function re2Error(pattern: string): string | undefined {
  const compiled = compileRe2(pattern);
  return typeof compiled === 'string' ? compiled : undefined;
}

/**
 * Whether a label value satisfies a matcher as Prometheus and Alertmanager match it: `=`/`!=` compare, `=~`/`!~`
 * match an RE2 regular expression anchored at both ends (a missing label is the empty string). Throws for an
 * invalid regular expression (check it first with `re2Error`).
 */
export function labelMatches(op: '=' | '!=' | '=~' | '!~', pattern: string, value: string): boolean {
  if (op === '=') return value === pattern;
  if (op === '!=') return value !== pattern;
  const compiled = compileRe2(pattern);
  if (typeof compiled === 'string') throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${compiled}`);
  return compiled.matches(value) === (op === '=~');
}

// Compiling RE2 dominates checking time; rules repeat the same patterns, so keep the last few hundred.
const RE2_CACHE = new Map<string, RE2JS | string>();

function compileRe2(pattern: string): RE2JS | string {
  let compiled = RE2_CACHE.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = RE2JS.compile(`^(?:${pattern})$`);
    } catch (e) {
      compiled = (e as Error).message;
    }
    if (RE2_CACHE.size >= 500) RE2_CACHE.delete(RE2_CACHE.keys().next().value as string);
    RE2_CACHE.set(pattern, compiled);
  }
  return compiled;
}

class Analyzer {
  readonly errors: PromqlError[] = [];
  readonly selectors: PromqlSelector[] = [];
  readonly functions: string[] = [];

  /** `expr` is what lezer parsed; `original` maps its offsets back to the caller's expression. */
  constructor(
    readonly expr: string,
    readonly original: (offset: number) => number = (offset) => offset,
  ) {}

  text(node: SyntaxNode): string {
    return this.expr.slice(node.from, node.to);
  }

  error(at: number, message: string): void {
    this.errors.push({ column: this.original(at) + 1, message });
  }

  children(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }

  /** Reports lezer's error nodes as syntax errors ("unknown function" where that is what happened). */
  syntaxErrors(top: SyntaxNode): void {
    const cursor = top.cursor();
    let reported = false;
    do {
      if (!cursor.type.isError || reported) continue;
      const node = cursor.node;
      const prev = node.prevSibling;
      const found = this.expr.slice(node.from, node.to);
      const callee =
        prev?.name === 'Identifier' && node.parent?.name === 'VectorSelector' && node.parent.from === prev.from ? prev : undefined;
      if (found.startsWith('(') && callee) {
        this.error(callee.from, `unknown function "${this.text(callee)}"`);
      } else if (node.from >= this.expr.trimEnd().length) {
        this.error(node.from, 'syntax error: unexpected end of expression');
      } else {
        const token = TOKEN.exec(this.expr.slice(node.from))?.[1] ?? found;
        this.error(node.from, `syntax error at column ${this.original(node.from) + 1}: unexpected "${token}"`);
      }
      // One syntax error is enough: what follows is usually the same mistake seen again.
      reported = true;
    } while (cursor.next());
  }

  duration(node: SyntaxNode): void {
    const parts = this.children(node);
    const only = parts[0];
    if (parts.length !== 1 || only?.name !== 'NumberDurationLiteralInDurationContext' || !isDuration(this.text(only))) {
      this.error(node.from, `expected a duration like 5m, got "${this.text(node)}" (duration arithmetic needs Prometheus 3)`);
    }
  }

  selector(node: SyntaxNode): LabelInfo {
    let metric: string | undefined;
    const matchers: PromqlMatcher[] = [];
    for (const child of this.children(node)) {
      if (child.name === 'Identifier') metric = this.text(child);
      if (child.name !== 'LabelMatchers') continue;
      for (const m of this.children(child)) {
        if (m.name !== 'UnquotedLabelMatcher') {
          this.error(m.from, `quoted label names need Prometheus 3: ${this.text(m)}`);
          continue;
        }
        const name = m.getChild('LabelName');
        const op = m.getChild('MatchOp');
        const value = m.getChild('StringLiteral');
        if (!name || !op || !value) continue;
        const matcher: PromqlMatcher = {
          name: this.text(name),
          op: this.text(op) as PromqlMatcher['op'],
          value: unquotePromqlString(this.text(value)),
        };
        if (matcher.op === '=~' || matcher.op === '!~') {
          const problem = re2Error(matcher.value);
          if (problem) this.error(value.from, `invalid regular expression in matcher ${matcher.name}${matcher.op}: ${problem}`);
        }
        matchers.push(matcher);
      }
    }
    if (metric === undefined) {
      const byName = matchers.find((m) => m.name === '__name__' && m.op === '=');
      metric = byName?.value;
      // Prometheus: a selector must have a matcher that does not match the empty string.
      if (!matchers.some((m) => !matchesEmpty(m))) {
        this.error(node.from, `vector selector must contain at least one non-empty matcher: ${this.text(node)}`);
      }
    }
    this.selectors.push(metric === undefined ? { matchers } : { metric, matchers });
    return OPEN();
  }

  /** Type-checks `node` and returns its type and the labels its series can carry. */
  visit(node: SyntaxNode): { type: PromqlType; labels: LabelInfo } {
    const kids = this.children(node);
    switch (node.name) {
      case 'PromQL':
      case 'ParenExpr': {
        const inner = kids.find((k) => !k.type.isError);
        return inner ? this.visit(inner) : { type: 'vector', labels: OPEN() };
      }
      case 'NumberDurationLiteral': {
        if (!NUMBER.test(this.text(node)))
          this.error(node.from, `expected a number, got "${this.text(node)}" (durations as numbers need Prometheus 3)`);
        return { type: 'scalar', labels: CLOSED() };
      }
      case 'StringLiteral':
        return { type: 'string', labels: CLOSED() };
      case 'VectorSelector':
        return { type: 'vector', labels: this.selector(node) };
      case 'MatrixSelector': {
        const [sel, range] = kids;
        const labels = sel ? this.visit(sel).labels : OPEN();
        if (range) this.duration(range);
        return { type: 'matrix', labels };
      }
      case 'SubqueryExpr': {
        const [inner, ...durations] = kids;
        const r = inner ? this.visit(inner) : { type: 'vector' as const, labels: OPEN() };
        if (r.type !== 'vector' && r.type !== 'scalar') this.error(node.from, `subquery is only allowed on instant vector, got ${r.type}`);
        for (const d of durations) if (d.name === 'DurationExpr') this.duration(d);
        return { type: 'matrix', labels: r.labels };
      }
      case 'OffsetExpr':
      case 'StepInvariantExpr': {
        const [inner, ...rest] = kids;
        for (const d of rest) if (d.name === 'OffsetDurationExpr') this.offset(d);
        return inner ? this.visit(inner) : { type: 'vector', labels: OPEN() };
      }
      case 'UnaryExpr': {
        const inner = kids.find((k) => k.name !== 'UnaryOp');
        const r = inner ? this.visit(inner) : { type: 'vector' as const, labels: OPEN() };
        if (r.type !== 'vector' && r.type !== 'scalar')
          this.error(node.from, `unary expression only allowed on expressions of type scalar or instant vector, got ${r.type}`);
        return r;
      }
      case 'AggregateExpr':
        return this.aggregate(node, kids);
      case 'BinaryExpr':
        return this.binary(node, kids);
      case 'FunctionCall':
        return this.call(node, kids);
      default:
        this.error(node.from, `unsupported PromQL construct ${node.name} (not in Prometheus 2.42): ${this.text(node)}`);
        return { type: 'vector', labels: OPEN() };
    }
  }

  offset(node: SyntaxNode): void {
    const parts = this.children(node);
    const text = this.text(node).replace(/^-/, '');
    if (parts.length !== 1 || parts[0]?.name !== 'NumberDurationLiteralInDurationContext' || !isDuration(text)) {
      this.error(node.from, `expected an offset duration like 5m, got "${this.text(node)}"`);
    }
  }

  args(body: SyntaxNode | undefined): SyntaxNode[] {
    return body ? this.children(body).filter((k) => !k.type.isError) : [];
  }

  aggregate(node: SyntaxNode, kids: SyntaxNode[]): { type: PromqlType; labels: LabelInfo } {
    const op = this.text(kids.find((k) => k.name === 'AggregateOp') ?? node).toLowerCase();
    const modifier = kids.find((k) => k.name === 'AggregateModifier');
    const args = this.args(kids.find((k) => k.name === 'FunctionCallBody'));
    const param = ['topk', 'bottomk', 'quantile', 'count_values'].includes(op);
    if (['limitk', 'limit_ratio'].includes(op)) {
      this.error(node.from, `aggregation ${op} needs Prometheus 3`);
      return { type: 'vector', labels: OPEN() };
    }
    const expected = param ? 2 : 1;
    if (args.length !== expected) {
      this.error(node.from, `wrong number of arguments for aggregate expression ${op}: expected ${expected}, got ${args.length}`);
    }
    const results = args.map((a) => this.visit(a));
    const body = results[results.length - 1];
    if (body && body.type !== 'vector') this.error(node.from, `expected type instant vector in aggregation expression, got ${body.type}`);
    if (param && results[0]) {
      const want = op === 'count_values' ? 'string' : 'scalar';
      if (results[0].type !== want) this.error(node.from, `expected type ${want} in aggregation parameter, got ${results[0].type}`);
    }
    const inner = body?.labels ?? OPEN();
    let labels: LabelInfo;
    if (op === 'topk' || op === 'bottomk') labels = inner;
    else if (!modifier) labels = CLOSED();
    else {
      const grouping = this.labelNames(modifier.getChild('GroupingLabels'));
      if (modifier.getChild('By')) labels = CLOSED(grouping);
      else labels = { open: inner.open, names: new Set([...inner.names].filter((n) => !grouping.includes(n))) };
    }
    if (op === 'count_values' && args[0]?.name === 'StringLiteral') {
      const name = unquotePromqlString(this.text(args[0]));
      if (!LABEL_NAME.test(name)) this.error(args[0].from, `invalid label name for count_values: "${name}"`);
      labels.names.add(name);
    }
    return { type: 'vector', labels };
  }

  labelNames(grouping: SyntaxNode | null): string[] {
    if (!grouping) return [];
    return this.children(grouping)
      .filter((k) => k.name === 'LabelName' || k.name === 'QuotedLabelName')
      .map((k) => this.text(k));
  }

  binary(node: SyntaxNode, kids: SyntaxNode[]): { type: PromqlType; labels: LabelInfo } {
    const operands = kids.filter((k) => isExpression(k));
    const opNode = kids.find((k) => COMPARISON.has(k.name) || SET_OPS.has(k.name) || ARITHMETIC.has(k.name));
    const op = opNode?.name ?? 'Add';
    const [lhsNode, rhsNode] = operands;
    const lhs = lhsNode ? this.visit(lhsNode) : { type: 'vector' as const, labels: OPEN() };
    const rhs = rhsNode ? this.visit(rhsNode) : { type: 'vector' as const, labels: OPEN() };
    const at = opNode?.from ?? node.from;
    const bool = kids.some((k) => k.name === 'BoolModifier');
    const matching = kids.find((k) => k.name === 'MatchingModifierClause');
    for (const side of [lhs, rhs]) {
      if (side.type !== 'vector' && side.type !== 'scalar') {
        this.error(at, `binary expression must contain only scalar and instant vector types, got ${side.type}`);
        return { type: 'vector', labels: OPEN() };
      }
    }
    if (SET_OPS.has(op) && (lhs.type !== 'vector' || rhs.type !== 'vector')) {
      this.error(at, `set operator "${this.text(opNode ?? node)}" not allowed in binary scalar expression`);
    }
    if (COMPARISON.has(op) && lhs.type === 'scalar' && rhs.type === 'scalar' && !bool) {
      this.error(at, 'comparisons between scalars must use BOOL modifier');
    }
    if (bool && !COMPARISON.has(op)) this.error(at, 'bool modifier can only be used on comparison operators');
    if (matching && (lhs.type !== 'vector' || rhs.type !== 'vector')) {
      this.error(matching.from, 'vector matching only allowed between instant vectors');
    }
    if (kids.some((k) => k.name === 'FillModifier')) this.error(at, 'fill modifiers need Prometheus 3');
    if (lhs.type === 'scalar' && rhs.type === 'scalar') return { type: 'scalar', labels: CLOSED() };
    if (lhs.type === 'scalar') return { type: 'vector', labels: rhs.labels };
    if (rhs.type === 'scalar') return { type: 'vector', labels: lhs.labels };
    if (op === 'Or') return { type: 'vector', labels: union(lhs.labels, rhs.labels) };
    if (op === 'And' || op === 'Unless') return { type: 'vector', labels: lhs.labels };
    if (!matching) return { type: 'vector', labels: lhs.labels };
    const groupings = matching.getChildren('GroupingLabels').map((g) => this.labelNames(g));
    const matchLabels = groupings[0] ?? [];
    const include = groupings[1] ?? [];
    const on = matching.getChild('On') !== null;
    if (matching.getChild('GroupLeft')) return { type: 'vector', labels: union(lhs.labels, CLOSED(include)) };
    if (matching.getChild('GroupRight')) return { type: 'vector', labels: union(rhs.labels, CLOSED(include)) };
    if (on) return { type: 'vector', labels: CLOSED(matchLabels) };
    return {
      type: 'vector',
      labels: { open: lhs.labels.open, names: new Set([...lhs.labels.names].filter((n) => !matchLabels.includes(n))) },
    };
  }

  call(node: SyntaxNode, kids: SyntaxNode[]): { type: PromqlType; labels: LabelInfo } {
    const name = this.text(kids.find((k) => k.name === 'FunctionIdentifier') ?? node);
    this.functions.push(name);
    const args = this.args(kids.find((k) => k.name === 'FunctionCallBody'));
    const results = args.map((a) => this.visit(a));
    const fn = PROMQL_FUNCTIONS[name];
    if (!fn) {
      this.error(node.from, `function "${name}" is not supported by Prometheus 2.42`);
      return { type: 'vector', labels: OPEN() };
    }
    const min = fn.args.length - (fn.optional ?? 0);
    const max = fn.variadic ? Number.POSITIVE_INFINITY : fn.args.length;
    if (args.length < min || args.length > max) {
      const expected = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
      this.error(node.from, `expected ${expected} argument(s) in call to "${name}", got ${args.length}`);
    }
    results.forEach((r, i) => {
      const want = fn.args[Math.min(i, fn.args.length - 1)];
      if (want && r.type !== want) {
        this.error(args[i]?.from ?? node.from, `expected type ${typeName(want)} in call to function "${name}", got ${typeName(r.type)}`);
      }
    });
    if (fn.returns === 'scalar') return { type: 'scalar', labels: CLOSED() };
    if (name === 'absent' || name === 'absent_over_time') {
      const sel = args[0]?.name === 'MatrixSelector' ? args[0].firstChild : args[0];
      const names = sel?.name === 'VectorSelector' ? this.selectorEqualities(sel) : [];
      return { type: 'vector', labels: CLOSED(names) };
    }
    if (name === 'vector') return { type: 'vector', labels: CLOSED() };
    const inner = results.find((r) => r.type === 'vector' || r.type === 'matrix')?.labels ?? CLOSED();
    if ((name === 'label_replace' || name === 'label_join') && args[1]?.name === 'StringLiteral') {
      const dst = unquotePromqlString(this.text(args[1]));
      if (!LABEL_NAME.test(dst)) this.error(args[1].from, `invalid destination label name in ${name}: "${dst}"`);
      if (name === 'label_replace' && args[4]?.name === 'StringLiteral') {
        const problem = re2Error(unquotePromqlString(this.text(args[4])));
        if (problem) this.error(args[4].from, `invalid regular expression in label_replace: ${problem}`);
      }
      return { type: 'vector', labels: { open: inner.open, names: new Set([...inner.names, dst]) } };
    }
    return { type: fn.returns, labels: { open: inner.open, names: new Set(inner.names) } };
  }

  /** Label names fixed by `name="value"` matchers (what absent() turns into its result's labels). */
  selectorEqualities(sel: SyntaxNode): string[] {
    const matchers = sel.getChild('LabelMatchers');
    if (!matchers) return [];
    return this.children(matchers)
      .filter((m) => m.getChild('MatchOp')?.getChild('EqlSingle'))
      .map((m) => this.text(m.getChild('LabelName') ?? m))
      .filter((n) => n !== '__name__');
  }
}

function isExpression(node: SyntaxNode): boolean {
  return (
    !['BoolModifier', 'MatchingModifierClause', 'FillModifier', ...COMPARISON, ...SET_OPS, ...ARITHMETIC].includes(node.name) &&
    !node.type.isError
  );
}

function typeName(t: PromqlType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

function union(a: LabelInfo, b: LabelInfo): LabelInfo {
  return { open: a.open || b.open, names: new Set([...a.names, ...b.names]) };
}

function matchesEmpty(m: PromqlMatcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return safeTest(m.value, '');
    case '!~':
      return !safeTest(m.value, '');
  }
}

function safeTest(pattern: string, value: string): boolean {
  const compiled = compileRe2(pattern);
  return typeof compiled !== 'string' && compiled.matches(value);
}

/**
 * Prometheus' parser has no nesting limit; lezer's cuts its stack at ~580 levels of `(a + (b + ...`, and the
 * checker recurses. Far beyond any hand-written or generated rule here.
 */
const MAX_NESTING = 500;

function isDuration(text: string): boolean {
  return text !== '' && durationPattern.test(text);
}

/**
 * Parses a PromQL expression in-process and checks what Prometheus 2.42 would check: syntax, functions and
 * their argument types, aggregations, binary operators, durations and the RE2 regular expressions of matchers.
 * Never throws; problems are in `errors`. Accepts chains of any length; nesting stops at 500 parentheses.
 */
export function parsePromql(expr: string): ParsedPromql {
  const invalid = (message: string): ParsedPromql => ({
    expr,
    errors: [{ column: 1, message }],
    selectors: [],
    functions: [],
    labels: { open: true, names: [] },
  });
  if (expr.trim() === '') return invalid('empty expression');
  const regrouped = regroupPromql(expr);
  if (regrouped.nesting > MAX_NESTING) {
    return invalid(
      `expression nested ${regrouped.nesting} parentheses deep: this checker stops at ${MAX_NESTING} (split it, e.g. into recording rules)`,
    );
  }
  const analyzer = new Analyzer(regrouped.text, regrouped.original);
  const tree = parser.parse(regrouped.text);
  analyzer.syntaxErrors(tree.topNode);
  let result: { type: PromqlType; labels: LabelInfo } | undefined;
  if (analyzer.errors.length === 0) result = analyzer.visit(tree.topNode);
  const labels = result?.labels ?? OPEN();
  return {
    expr,
    errors: analyzer.errors,
    ...(result ? { type: result.type } : {}),
    selectors: analyzer.selectors,
    functions: analyzer.functions,
    labels: { open: labels.open, names: [...labels.names].sort() },
  };
}

/**
 * Checks a PromQL expression; returns one diagnostic per problem, located at `path` with the column in the
 * message (`groups.chatops.rules.X.expr: syntax error at column 12: ...`). An empty array means valid.
 */
export function checkPromql(expr: string, path: DocumentPath = []): Diagnostic[] {
  return promqlDiagnostics(parsePromql(expr), path);
}

/** The errors of an already parsed expression as diagnostics at `path`. */
export function promqlDiagnostics(parsed: ParsedPromql, path: DocumentPath): Diagnostic[] {
  return parsed.errors.map((e) => ({
    path,
    column: e.column,
    message: e.message.includes('at column') ? e.message : `${e.message} (column ${e.column})`,
  }));
}
