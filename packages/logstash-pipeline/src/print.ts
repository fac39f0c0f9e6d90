import { ConfigError, type Diagnostic, type DocumentPath } from '@chatops/core';
import { BAREWORD, NAME, NUMBER, SELECTOR_ELEMENT, fitsQuotes, quote, unquotableReason } from './_lexical.js';
import type { Condition, Config, Expression, HashKey, Plugin, RValue, Statement, Value } from './ast.js';
import { checkPipeline } from './validate.js';

export interface PrintOptions {
  /** Comment lines printed first (`# ` is prepended; lines must not contain newlines). @default [] */
  readonly header?: readonly string[];
  /** Spaces per nesting level. @default 2 */
  readonly indent?: number;
}

class PrintError {
  constructor(
    readonly path: DocumentPath,
    readonly message: string,
  ) {}
}

/**
 * Prints a config deterministically, for `config.support_escapes: false`. Throws a ConfigError (with AST paths)
 * when the AST holds something Logstash would reject or that no text can represent (a string with both quote
 * kinds, a one-element array where a field reference would be read, ...). `parsePipeline(printPipeline(ast))` equals `ast`.
 */
export function printPipeline(config: Config, options: PrintOptions = {}): string {
  const semantic = checkPipeline(config);
  const errors: Diagnostic[] = [...semantic];
  const unit = ' '.repeat(options.indent ?? 2);
  const lines: string[] = [];
  for (const h of options.header ?? []) {
    if (/[\r\n]/.test(h)) throw new Error(`header line contains a newline: ${JSON.stringify(h)}`);
    lines.push(h === '' ? '#' : `# ${h}`);
  }
  if (lines.length > 0) lines.push('');

  const guard = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof PrintError) {
        errors.push({ path: e.path, message: e.message });
        return undefined;
      }
      throw e;
    }
  };

  config.sections.forEach((section, i) => {
    if (i > 0) lines.push('');
    lines.push(`${section.type} {`);
    guard(() => statements(section.body, ['sections', i, 'body'], 1, lines, unit));
    lines.push('}');
  });
  if (errors.length > 0) throw new ConfigError(errors);
  return `${lines.join('\n')}\n`;
}

function statements(body: readonly Statement[], path: DocumentPath, depth: number, lines: string[], unit: string): void {
  const pad = unit.repeat(depth);
  body.forEach((s, i) => {
    const p = [...path, i];
    if (s.kind === 'plugin') {
      if (s.name === 'else' && body[i - 1]?.kind === 'branch') {
        throw new PrintError([...p, 'name'], 'a plugin named "else" right after an if block would read as its else branch');
      }
      if (/^if-?[0-9]+$/.test(s.name) && s.attributes.length === 0) {
        throw new PrintError([...p, 'name'], `a plugin named "${s.name}" without attributes would read as an if block`);
      }
      const text = plugin(s, p, depth, unit);
      lines.push(pad + text);
      return;
    }
    s.clauses.forEach((clause, j) => {
      const cond = condition(clause.condition, [...p, 'clauses', j, 'condition']);
      lines.push(j === 0 ? `${pad}if ${cond} {` : `${pad}} else if ${cond} {`);
      statements(clause.body, [...p, 'clauses', j, 'body'], depth + 1, lines, unit);
    });
    if (s.clauses.length === 0) throw new PrintError([...p, 'clauses'], 'a branch needs an if clause');
    if (s.else) {
      lines.push(`${pad}} else {`);
      statements(s.else, [...p, 'else'], depth + 1, lines, unit);
    }
    lines.push(`${pad}}`);
  });
}

/** A plugin's text starting at the current indentation (multi-line; continuation lines are indented). */
function plugin(p: Plugin, path: DocumentPath, depth: number, unit: string): string {
  if (!NAME.test(p.name)) throw new PrintError([...path, 'name'], `plugin name ${JSON.stringify(p.name)} must match [A-Za-z0-9_-]+`);
  if (p.attributes.length === 0) return `${p.name} {}`;
  const inner = unit.repeat(depth + 1);
  const body = p.attributes.map((a, i) => {
    const ap = [...path, 'attributes', i];
    return `${inner}${name(a.name, [...ap, 'name'])} => ${value(a.value, [...ap, 'value'], depth + 1, unit)}`;
  });
  return `${p.name} {\n${body.join('\n')}\n${unit.repeat(depth)}}`;
}

function name(n: string, path: DocumentPath): string {
  if (NAME.test(n)) return n;
  return string(n, path);
}

function string(raw: string, path: DocumentPath): string {
  const q = quote(raw);
  if (q === undefined) throw new PrintError(path, unquotableReason(raw));
  return q;
}

function scalar(v: { kind: string; value: string }, path: DocumentPath): string | undefined {
  switch (v.kind) {
    case 'bareword':
      if (!BAREWORD.test(v.value)) throw new PrintError(path, `bareword ${JSON.stringify(v.value)} must match [A-Za-z_][A-Za-z0-9_]+`);
      return v.value;
    case 'string':
      return string(v.value, path);
    case 'number':
      if (!NUMBER.test(v.value)) throw new PrintError(path, `number ${JSON.stringify(v.value)} must match -?[0-9]+(.[0-9]*)?`);
      return v.value;
    default:
      return undefined;
  }
}

function value(v: Value, path: DocumentPath, depth: number, unit: string): string {
  const s = v.kind === 'bareword' || v.kind === 'string' || v.kind === 'number' ? scalar(v, path) : undefined;
  if (s !== undefined) return s;
  switch (v.kind) {
    case 'plugin':
      return plugin(v, path, depth, unit);
    case 'array': {
      const flat = v.items.every((i) => i.kind === 'bareword' || i.kind === 'string' || i.kind === 'number');
      if (flat) return `[${v.items.map((item, i) => value(item, [...path, 'items', i], depth, unit)).join(', ')}]`;
      const inner = unit.repeat(depth + 1);
      const items = v.items.map((item, i) => inner + value(item, [...path, 'items', i], depth + 1, unit));
      return `[\n${items.join(',\n')}\n${unit.repeat(depth)}]`;
    }
    case 'hash': {
      if (v.entries.length === 0) return '{}';
      const inner = unit.repeat(depth + 1);
      const entries = v.entries.map((e, i) => {
        const ep = [...path, 'entries', i];
        return `${inner}${hashKey(e.key, [...ep, 'key'])} => ${value(e.value, [...ep, 'value'], depth + 1, unit)}`;
      });
      return `{\n${entries.join('\n')}\n${unit.repeat(depth)}}`;
    }
    default:
      throw new PrintError(path, `unknown value kind ${JSON.stringify((v as { kind: unknown }).kind)}`);
  }
}

function hashKey(k: HashKey, path: DocumentPath): string {
  const s = scalar(k, path);
  if (s === undefined) throw new PrintError(path, 'a hash key must be a bareword, a string or a number');
  return s;
}

function condition(c: Condition, path: DocumentPath): string {
  const parts: string[] = [];
  c.operands.forEach((e, i) => {
    if (i > 0) parts.push(c.operators[i - 1] ?? 'and');
    parts.push(expression(e, [...path, 'operands', i]));
  });
  return parts.join(' ');
}

function expression(e: Expression, path: DocumentPath): string {
  switch (e.kind) {
    case 'group':
      return `(${condition(e.condition, [...path, 'condition'])})`;
    case 'not':
      return e.operand.kind === 'group'
        ? `!(${condition(e.operand.condition, [...path, 'operand', 'condition'])})`
        : `!${selector(e.operand.path, [...path, 'operand'])}`;
    case 'in':
      return `${rvalue(e.left, [...path, 'left'])} ${e.negated ? 'not in' : 'in'} ${rvalue(e.right, [...path, 'right'])}`;
    case 'compare':
      return `${rvalue(e.left, [...path, 'left'])} ${e.operator} ${rvalue(e.right, [...path, 'right'])}`;
    case 'match':
      return `${rvalue(e.left, [...path, 'left'])} ${e.operator} ${rvalue(e.pattern, [...path, 'pattern'])}`;
    default:
      return rvalue(e, path);
  }
}

function rvalue(r: RValue, path: DocumentPath): string {
  switch (r.kind) {
    case 'selector':
      return selector(r.path, path);
    case 'regexp':
      if (!fitsQuotes(r.source, '/')) {
        throw new PrintError(path, 'a regexp must escape every / as \\/ and cannot end with a backslash');
      }
      return `/${r.source}/`;
    case 'array': {
      const text = value(r, path, 0, '  ');
      // `[x]` in a condition is a field reference whenever x has no brackets or commas.
      if (/^\[[^\][,]+\]$/.test(text)) {
        throw new PrintError(path, `the one-element array ${text} would read as a field reference in a condition`);
      }
      return text;
    }
    default:
      return scalar(r, path) as string;
  }
}

function selector(path: readonly string[], at: DocumentPath): string {
  if (path.length === 0) throw new PrintError(at, 'a field reference needs at least one element');
  return path
    .map((element, i) => {
      if (!SELECTOR_ELEMENT.test(element)) {
        throw new PrintError([...at, 'path', i], `field reference element ${JSON.stringify(element)} must be non-empty without [ ] or ,`);
      }
      return `[${element}]`;
    })
    .join('');
}
