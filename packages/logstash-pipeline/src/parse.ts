import { ConfigError, type Diagnostic } from '@chatops/core';
import type {
  ArrayValue,
  Attribute,
  BooleanOperator,
  Branch,
  Clause,
  CompareOperator,
  Condition,
  Config,
  Expression,
  HashEntry,
  HashKey,
  HashValue,
  MatchOperator,
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
import { type SourceMap, checkPipeline } from './validate.js';

/** A parsed method call `name(args)`: in the grammar, but not implemented by Logstash's compiler. */
export interface MethodCall {
  readonly kind: 'method';
  readonly name: string;
  readonly args: readonly (RValue | MethodCall)[];
}

export interface ParseOptions {
  /** File name for diagnostics. */
  readonly file?: string;
}

export interface ParseResult {
  readonly config?: Config;
  readonly diagnostics: readonly Diagnostic[];
}

const FAIL = undefined;
const WS = /[ \t\r\n]/;
const NAME_CHAR = /[A-Za-z0-9_-]/;
const BAREWORD_START = /[A-Za-z_]/;
const BAREWORD_CHAR = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const SELECTOR_CHAR = /[^\][,]/;

/**
 * A PEG parser for the Logstash config language that follows `lscl_grammar.treetop` rule for rule (ordered choice,
 * backtracking, the same terminals), and reports a syntax error where Treetop does: at the farthest position any
 * terminal failed, with every terminal expected there.
 */
class Parser {
  pos = 0;
  failPos = -1;
  expected = new Set<string>();
  readonly offsets: SourceMap = new WeakMap();
  readonly quotedPluginNames = new WeakSet<Plugin>();
  readonly #rvalueMemo = new Map<number, { node: RValue | MethodCall | undefined; end: number }>();

  constructor(readonly src: string) {}

  // --- terminals -------------------------------------------------------------------------------------------------

  fail(description: string, at = this.pos): void {
    if (at > this.failPos) {
      this.failPos = at;
      this.expected = new Set([description]);
    } else if (at === this.failPos) {
      this.expected.add(description);
    }
  }

  lit(s: string): boolean {
    if (this.src.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    this.fail(JSON.stringify(s));
    return false;
  }

  cls(re: RegExp, description: string): boolean {
    const c = this.src[this.pos];
    if (c !== undefined && re.test(c)) {
      this.pos++;
      return true;
    }
    this.fail(description);
    return false;
  }

  any(): boolean {
    if (this.pos < this.src.length) {
      this.pos++;
      return true;
    }
    this.fail('any character');
    return false;
  }

  /** Runs `rule`; on failure restores the position. */
  attempt<T>(rule: () => T | undefined): T | undefined {
    const start = this.pos;
    const result = rule();
    if (result === FAIL) this.pos = start;
    return result;
  }

  /**
   * `item (separator item)*`, or nothing: the first item, then each separator and item attempted as one (the
   * position goes back when either fails, and the list ends there).
   */
  separated<T>(item: () => T | undefined, separator: () => boolean): T[] {
    const first = this.attempt(item);
    if (!first) return [];
    const items = [first];
    for (;;) {
      const next = this.attempt(() => (separator() ? item() : FAIL));
      if (!next) break;
      items.push(next);
    }
    return items;
  }

  /** `open cs (item (separator item)*)? cs close`: the items, or FAIL without both brackets. */
  bracketed<T>(open: string, close: string, item: () => T | undefined, separator: () => boolean): T[] | undefined {
    if (!this.lit(open)) return FAIL;
    this.cs();
    const items = this.separated(item, separator);
    this.cs();
    if (!this.lit(close)) return FAIL;
    return items;
  }

  /** `cs "," cs`: the separator of array items and method arguments. */
  comma(): boolean {
    this.cs();
    if (!this.lit(',')) return false;
    this.cs();
    return true;
  }

  at<const T extends object>(start: number, node: T): T {
    this.offsets.set(node, start);
    return node;
  }

  // --- layout ----------------------------------------------------------------------------------------------------

  whitespace(): boolean {
    if (!this.cls(WS, 'whitespace')) return false;
    while (this.cls(WS, 'whitespace'));
    return true;
  }

  /** `(whitespace? "#" [^\r\n]* "\r"? "\n")+` */
  comment(): boolean {
    const one = () =>
      this.attempt(() => {
        this.whitespace();
        if (!this.lit('#')) return FAIL;
        while (this.cls(/[^\r\n]/, 'comment text'));
        if (this.src[this.pos] === '\r') this.pos++;
        else this.fail('"\\r"');
        return this.lit('\n') ? true : FAIL;
      });
    if (!one()) return false;
    while (one());
    return true;
  }

  /** `(comment / whitespace)*` */
  cs(): void {
    for (;;) {
      const start = this.pos;
      if (this.comment() || this.whitespace()) {
        if (this.pos === start) break;
        continue;
      }
      break;
    }
  }

  // --- config, sections, plugins ---------------------------------------------------------------------------------

  config(): Config {
    const sections: Section[] = [];
    for (;;) {
      const s = this.attempt(() => {
        this.cs();
        return this.pluginSection();
      });
      if (!s) break;
      sections.push(s);
    }
    this.cs();
    return { sections };
  }

  pluginSection(): Section | undefined {
    const start = this.pos;
    let type: SectionType | undefined;
    for (const t of ['input', 'filter', 'output'] as const) {
      if (this.lit(t)) {
        type = t;
        break;
      }
    }
    if (!type) return FAIL;
    this.cs();
    if (!this.lit('{')) return FAIL;
    this.cs();
    const body = this.body();
    if (!this.lit('}')) return FAIL;
    return this.at(start, { type, body });
  }

  /** `(branch_or_plugin cs)*` */
  body(): Statement[] {
    const body: Statement[] = [];
    for (;;) {
      const s = this.attempt(() => this.branch() ?? this.plugin());
      if (!s) break;
      body.push(s);
      this.cs();
    }
    return body;
  }

  plugin(): Plugin | undefined {
    return this.attempt(() => {
      const start = this.pos;
      const name = this.name();
      if (!name) return FAIL;
      this.cs();
      const attributes: Attribute[] | undefined = this.bracketed(
        '{',
        '}',
        () => this.attribute(),
        () => {
          if (!this.whitespace()) return false;
          this.cs();
          return true;
        },
      );
      if (!attributes) return FAIL;
      const plugin = this.at(start, { kind: 'plugin' as const, name: name.value, attributes });
      if (name.quoted) this.quotedPluginNames.add(plugin);
      return plugin;
    });
  }

  /** `[A-Za-z0-9_-]+ / string` */
  name(): { value: string; quoted: boolean } | undefined {
    const start = this.pos;
    if (this.cls(NAME_CHAR, 'a name')) {
      while (this.cls(NAME_CHAR, 'a name'));
      return { value: this.src.slice(start, this.pos), quoted: false };
    }
    const s = this.string();
    return s ? { value: s.value, quoted: true } : FAIL;
  }

  attribute(): Attribute | undefined {
    const start = this.pos;
    const name = this.name();
    if (!name) return FAIL;
    this.cs();
    if (!this.lit('=>')) return FAIL;
    this.cs();
    const value = this.value();
    if (!value) return FAIL;
    return this.at(start, { name: name.value, value });
  }

  // --- values ----------------------------------------------------------------------------------------------------

  /** `plugin / bareword / string / number / array / hash` */
  value(): Value | undefined {
    return (
      this.plugin() ??
      this.attempt(() => this.bareword()) ??
      this.attempt(() => this.string()) ??
      this.attempt(() => this.number()) ??
      this.attempt(() => this.array()) ??
      this.attempt(() => this.hash())
    );
  }

  bareword(): { kind: 'bareword'; value: string } | undefined {
    const start = this.pos;
    if (!this.cls(BAREWORD_START, 'a bareword')) return FAIL;
    if (!this.cls(BAREWORD_CHAR, 'a bareword character')) return FAIL;
    while (this.cls(BAREWORD_CHAR, 'a bareword character'));
    return this.at(start, { kind: 'bareword', value: this.src.slice(start, this.pos) });
  }

  /** `'"' ( '\"' / !'"' . )* '"'`, or the same with single quotes, or (for regexps) slashes. */
  delimited(q: '"' | "'" | '/'): string | undefined {
    const start = this.pos;
    if (!this.lit(q)) return FAIL;
    for (;;) {
      if (this.lit(`\\${q}`)) continue;
      if (this.src[this.pos] === q) break;
      if (!this.any()) return FAIL;
    }
    if (!this.lit(q)) return FAIL;
    return this.src.slice(start + 1, this.pos - 1);
  }

  string(): StringValue | undefined {
    const start = this.pos;
    const raw = this.attempt(() => this.delimited('"')) ?? this.attempt(() => this.delimited("'"));
    return raw === FAIL ? FAIL : this.at(start, { kind: 'string', value: raw });
  }

  regexp(): Regexp | undefined {
    const start = this.pos;
    const raw = this.delimited('/');
    return raw === FAIL ? FAIL : this.at(start, { kind: 'regexp', source: raw });
  }

  /** `"-"? [0-9]+ ("." [0-9]*)?` */
  number(): NumberValue | undefined {
    const start = this.pos;
    this.lit('-');
    if (!this.cls(DIGIT, 'a digit')) return FAIL;
    while (this.cls(DIGIT, 'a digit'));
    if (this.lit('.')) while (this.cls(DIGIT, 'a digit'));
    return this.at(start, { kind: 'number', value: this.src.slice(start, this.pos) });
  }

  /** `"[" cs (value (cs "," cs value)*)? cs "]"` */
  array(): ArrayValue | undefined {
    const start = this.pos;
    const items: Value[] | undefined = this.bracketed(
      '[',
      ']',
      () => this.value(),
      () => this.comma(),
    );
    if (!items) return FAIL;
    return this.at(start, { kind: 'array', items });
  }

  /** `"{" cs hashentries? cs "}"`, entries separated by whitespace. */
  hash(): HashValue | undefined {
    const start = this.pos;
    const entries: HashEntry[] | undefined = this.bracketed(
      '{',
      '}',
      () => this.hashEntry(),
      () => this.whitespace(),
    );
    if (!entries) return FAIL;
    return this.at(start, { kind: 'hash', entries });
  }

  hashEntry(): HashEntry | undefined {
    const start = this.pos;
    const key: HashKey | undefined =
      this.attempt(() => this.number()) ?? this.attempt(() => this.bareword()) ?? this.attempt(() => this.string());
    if (!key) return FAIL;
    this.cs();
    if (!this.lit('=>')) return FAIL;
    this.cs();
    const value = this.value();
    if (!value) return FAIL;
    return this.at(start, { key, value });
  }

  // --- branches and conditions -----------------------------------------------------------------------------------

  /** `if (cs else_if)* (cs else)?` */
  branch(): Branch | undefined {
    const start = this.pos;
    const first = this.attempt(() => {
      if (!this.lit('if')) return FAIL;
      this.cs();
      return this.clauseRest();
    });
    if (!first) return FAIL;
    const clauses: Clause[] = [first];
    for (;;) {
      const next = this.attempt(() => {
        this.cs();
        if (!this.lit('else')) return FAIL;
        this.cs();
        if (!this.lit('if')) return FAIL;
        this.cs();
        return this.clauseRest();
      });
      if (!next) break;
      clauses.push(next);
    }
    const otherwise = this.attempt(() => {
      this.cs();
      if (!this.lit('else')) return FAIL;
      this.cs();
      return this.block();
    });
    return this.at(start, otherwise ? { kind: 'branch', clauses, else: otherwise } : { kind: 'branch', clauses });
  }

  /** `condition cs "{" cs (branch_or_plugin cs)* "}"` */
  clauseRest(): Clause | undefined {
    const start = this.pos;
    const condition = this.condition();
    if (!condition) return FAIL;
    this.cs();
    const body = this.block();
    return body ? this.at(start, { condition, body }) : FAIL;
  }

  block(): Statement[] | undefined {
    if (!this.lit('{')) return FAIL;
    this.cs();
    const body = this.body();
    return this.lit('}') ? body : FAIL;
  }

  /** `expression (cs boolean_operator cs expression)*` */
  condition(): Condition | undefined {
    const start = this.pos;
    const first = this.expression();
    if (!first) return FAIL;
    const operands: Expression[] = [first];
    const operators: BooleanOperator[] = [];
    for (;;) {
      const next = this.attempt(() => {
        this.cs();
        let op: BooleanOperator | undefined;
        for (const o of ['and', 'or', 'xor', 'nand'] as const) {
          if (this.lit(o)) {
            op = o;
            break;
          }
        }
        if (!op) return FAIL;
        this.cs();
        const e = this.expression();
        return e ? { op, e } : FAIL;
      });
      if (!next) break;
      operators.push(next.op);
      operands.push(next.e);
    }
    return this.at(start, { kind: 'condition', operands, operators });
  }

  expression(): Expression | undefined {
    const start = this.pos;
    return (
      this.attempt(() => this.group()) ??
      this.attempt(() => this.negative()) ??
      this.attempt(() => this.binary(start, () => (this.lit('in') ? 'in' : FAIL))) ??
      this.attempt(() =>
        this.binary(start, () => {
          if (!this.lit('not ')) return FAIL;
          this.cs();
          return this.lit('in') ? 'not in' : FAIL;
        }),
      ) ??
      this.attempt(() =>
        this.binary(start, () => {
          for (const o of ['==', '!=', '<=', '>=', '<', '>'] as const) if (this.lit(o)) return o;
          return FAIL;
        }),
      ) ??
      this.attempt(() => this.regexpExpression(start)) ??
      (this.attempt(() => this.rvalue()) as Expression | undefined)
    );
  }

  group(): Expression | undefined {
    const start = this.pos;
    if (!this.lit('(')) return FAIL;
    this.cs();
    const condition = this.condition();
    if (!condition) return FAIL;
    this.cs();
    return this.lit(')') ? this.at(start, { kind: 'group', condition }) : FAIL;
  }

  /** `"!" cs "(" cs condition cs ")" / "!" cs selector` */
  negative(): Expression | undefined {
    const start = this.pos;
    const grouped = this.attempt(() => {
      if (!this.lit('!')) return FAIL;
      this.cs();
      return this.group();
    });
    if (grouped) return this.at(start, { kind: 'not', operand: grouped as { kind: 'group'; condition: Condition } });
    return this.attempt(() => {
      if (!this.lit('!')) return FAIL;
      this.cs();
      const s = this.selector();
      return s ? this.at(start, { kind: 'not' as const, operand: s }) : FAIL;
    });
  }

  binary(start: number, operator: () => CompareOperator | 'in' | 'not in' | undefined): Expression | undefined {
    const left = this.rvalue();
    if (!left) return FAIL;
    this.cs();
    const op = operator();
    if (!op) return FAIL;
    this.cs();
    const right = this.rvalue();
    if (!right) return FAIL;
    const l = left as RValue;
    const r = right as RValue;
    if (op === 'in' || op === 'not in') return this.at(start, { kind: 'in', negated: op === 'not in', left: l, right: r });
    return this.at(start, { kind: 'compare', operator: op, left: l, right: r });
  }

  /** `rvalue cs ("=~" / "!~") cs (string / regexp)` */
  regexpExpression(start: number): Expression | undefined {
    const left = this.rvalue();
    if (!left) return FAIL;
    this.cs();
    let operator: MatchOperator | undefined;
    if (this.lit('=~')) operator = '=~';
    else if (this.lit('!~')) operator = '!~';
    if (!operator) return FAIL;
    this.cs();
    const pattern = this.attempt(() => this.string()) ?? this.attempt(() => this.regexp());
    if (!pattern) return FAIL;
    return this.at(start, { kind: 'match', operator, left: left as RValue, pattern });
  }

  /** `string / number / selector / array / method_call / regexp` (memoized: every expression alternative starts with one). */
  rvalue(): RValue | MethodCall | undefined {
    const start = this.pos;
    const memo = this.#rvalueMemo.get(start);
    if (memo) {
      this.pos = memo.end;
      return memo.node;
    }
    const node =
      this.attempt(() => this.string()) ??
      this.attempt(() => this.number()) ??
      this.attempt(() => this.selector()) ??
      this.attempt(() => this.array()) ??
      this.attempt(() => this.methodCall()) ??
      this.attempt(() => this.regexp());
    this.#rvalueMemo.set(start, { node, end: this.pos });
    return node;
  }

  methodCall(): MethodCall | undefined {
    const start = this.pos;
    const name = this.bareword();
    if (!name) return FAIL;
    this.cs();
    const args: (RValue | MethodCall)[] | undefined = this.bracketed(
      '(',
      ')',
      () => this.rvalue(),
      () => this.comma(),
    );
    if (!args) return FAIL;
    return this.at(start, { kind: 'method', name: name.value, args });
  }

  /** `("[" [^\][,]+ "]")+` */
  selector(): Selector | undefined {
    const start = this.pos;
    const path: string[] = [];
    for (;;) {
      const element = this.attempt(() => {
        if (!this.lit('[')) return FAIL;
        const from = this.pos;
        if (!this.cls(SELECTOR_CHAR, 'a field name')) return FAIL;
        while (this.cls(SELECTOR_CHAR, 'a field name'));
        const text = this.src.slice(from, this.pos);
        return this.lit(']') ? text : FAIL;
      });
      if (element === FAIL) break;
      path.push(element);
    }
    return path.length > 0 ? this.at(start, { kind: 'selector', path }) : FAIL;
  }
}

/** 1-based line and column of an offset (columns count UTF-16 code units, like Treetop counts characters). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function describeFound(text: string, offset: number): string {
  if (offset >= text.length) return 'end of input';
  const c = text[offset]!;
  if (c === '\n') return 'a newline';
  if (c === '\r') return 'a carriage return';
  if (c === '\t') return 'a tab';
  if (c === ' ') return 'a space';
  return JSON.stringify(c);
}

function syntaxHint(text: string, offset: number, expected: ReadonlySet<string>): string {
  const found = text[offset];
  if (found === ',' && (expected.has('"}"') || expected.has('whitespace'))) {
    return ' (attributes and hash entries are separated by whitespace, not commas)';
  }
  if (offset >= text.length && expected.has('"\\n"')) return ' (a comment on the last line needs a final newline)';
  if (offset >= text.length && (expected.has('"\\""') || expected.has('"\'"') || expected.has('any character'))) {
    return ' (unterminated string or regexp)';
  }
  return '';
}

/**
 * Parses a config file. Returns the AST, or diagnostics with 1-based line and column: the syntax error where
 * Logstash would report it, or every semantic error Logstash's compiler raises (duplicate hash keys, quoted plugin
 * names, method calls, `xor`/`nand` next to another operator, non-field truthiness tests, ...).
 */
export function parseConfig(text: string, options: ParseOptions = {}): ParseResult {
  const p = new Parser(text);
  const config = p.config();
  if (p.pos !== text.length) {
    p.fail('end of input');
    const offset = p.failPos;
    const expected = [...p.expected].sort();
    const { line, column } = lineColumn(text, offset);
    const message = `syntax error: expected ${expected.length > 1 ? 'one of ' : ''}${expected.join(', ')}; found ${describeFound(text, offset)}${syntaxHint(text, offset, p.expected)}`;
    return { diagnostics: [{ file: options.file, line, column, path: [], message }] };
  }
  const diagnostics = checkPipeline(config, {
    locate: (node) => {
      const offset = p.offsets.get(node);
      return offset === undefined ? {} : lineColumn(text, offset);
    },
    located: true,
    quotedPluginName: (plugin) => p.quotedPluginNames.has(plugin),
    file: options.file,
  });
  return diagnostics.length > 0 ? { diagnostics } : { config, diagnostics: [] };
}

/** Parses a config file or throws a ConfigError whose diagnostics carry file, line and column. */
export function parsePipeline(text: string, options: ParseOptions = {}): Config {
  const result = parseConfig(text, options);
  if (!result.config) throw new ConfigError(result.diagnostics);
  return result.config;
}
