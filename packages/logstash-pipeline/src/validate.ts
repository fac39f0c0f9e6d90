import type { Diagnostic, DocumentPath } from '@chatops/core';
import type { Condition, Config, Expression, HashValue, Plugin, RValue, Statement, Value } from './ast.js';

/** Source offsets of parsed nodes. */
export type SourceMap = WeakMap<object, number>;

export interface CheckPipelineOptions {
  /** Line and column of a node, when it came from a parse. */
  readonly locate?: (node: object) => { line?: number; column?: number };
  /** Whether a parsed plugin's name was written as a string. */
  readonly quotedPluginName?: (plugin: Plugin) => boolean;
  readonly file?: string;
  /** Report line/column only (no AST path), for diagnostics about a source file. @default false */
  readonly located?: boolean;
}

/**
 * The checks Logstash's compiler (`lscl.rb`) performs after the grammar accepted a config, plus the places where it
 * would crash on a construct the grammar accepts. Shared by the parser (located by line/column) and the printer
 * (located by AST path).
 */
export function checkPipeline(config: Config, options: CheckPipelineOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (node: object, path: DocumentPath, message: string) => {
    const where = options.locate?.(node) ?? {};
    out.push({ file: options.file, ...where, path: options.located ? [] : path, message });
  };

  const statements = (body: readonly Statement[], path: DocumentPath) => {
    body.forEach((s, i) => {
      const p = [...path, i];
      if (s.kind === 'plugin') plugin(s, p);
      else {
        s.clauses.forEach((c, j) => {
          condition(c.condition, [...p, 'clauses', j, 'condition']);
          statements(c.body, [...p, 'clauses', j, 'body']);
        });
        if (s.else) statements(s.else, [...p, 'else']);
      }
    });
  };

  const plugin = (pl: Plugin, path: DocumentPath) => {
    if (options.quotedPluginName?.(pl)) {
      report(pl, path, `plugin name "${pl.name}" must not be quoted (Logstash would look up a plugin named with its quotes)`);
    }
    pl.attributes.forEach((a, i) => value(a.value, [...path, 'attributes', i, 'value'], true));
  };

  const value = (v: Value, path: DocumentPath, pluginAllowed: boolean) => {
    switch (v.kind) {
      case 'plugin':
        if (!pluginAllowed)
          report(v, path, `plugin "${v.name}" can only be the value of an attribute (a codec), not inside an array or hash`);
        plugin(v, path);
        break;
      case 'array':
        v.items.forEach((item, i) => value(item, [...path, 'items', i], false));
        break;
      case 'hash':
        hash(v, path);
        break;
      default:
        break;
    }
  };

  const hash = (h: HashValue, path: DocumentPath) => {
    const seen = new Set<string>();
    const reported = new Set<string>();
    h.entries.forEach((e, i) => {
      const id = `${e.key.kind === 'number' ? 'n' : 's'}:${e.key.value}`;
      if (seen.has(id) && !reported.has(id)) {
        reported.add(id);
        report(h, [...path, 'entries', i, 'key'], `duplicate hash key ${JSON.stringify(e.key.value)}`);
      }
      seen.add(id);
      value(e.value, [...path, 'entries', i, 'value'], false);
    });
  };

  const condition = (c: Condition, path: DocumentPath) => {
    if (c.operators.length !== c.operands.length - 1 || c.operands.length === 0) {
      report(c, path, 'a condition needs one boolean operator between each pair of operands');
    }
    if (c.operators.length > 1) {
      const odd = c.operators.find((o) => o === 'xor' || o === 'nand');
      if (odd)
        report(c, path, `"${odd}" cannot be combined with another boolean operator without parentheses (Logstash fails to compile it)`);
    }
    c.operands.forEach((e, i) => expression(e, [...path, 'operands', i], c.operands.length === 1));
  };

  const rvalue = (r: RValue | { kind: 'method'; name: string }, path: DocumentPath) => {
    if (r.kind === 'method') report(r, path, `method call ${r.name}(...) is not supported by Logstash`);
    else if (r.kind === 'array') value(r, path, false);
  };

  const expression = (e: Expression | { kind: 'method'; name: string }, path: DocumentPath, alone: boolean) => {
    switch (e.kind) {
      case 'group':
        condition(e.condition, [...path, 'condition']);
        break;
      case 'not':
        if (e.operand.kind === 'group') condition(e.operand.condition, [...path, 'operand', 'condition']);
        break;
      case 'in':
        rvalue(e.left, [...path, 'left']);
        rvalue(e.right, [...path, 'right']);
        break;
      case 'compare':
        for (const side of ['left', 'right'] as const) {
          const r = e[side] as RValue | { kind: 'method'; name: string };
          if (r.kind !== 'selector' && r.kind !== 'string' && r.kind !== 'number') {
            if (r.kind === 'method') rvalue(r, [...path, side]);
            else report(r, [...path, side], `a comparison operand must be a field reference, a string or a number, not ${article(r.kind)}`);
          }
        }
        break;
      case 'match':
        if (e.left.kind !== 'selector') {
          const left = e.left as RValue | { kind: 'method'; name: string };
          if (left.kind === 'method') rvalue(left, [...path, 'left']);
          else report(e.left, [...path, 'left'], `the left side of ${e.operator} must be a field reference, not ${article(e.left.kind)}`);
        }
        break;
      case 'method':
        rvalue(e, path);
        break;
      case 'selector':
        break;
      default:
        report(e, path, `only a field reference can be tested on its own, not ${article(e.kind)}${alone ? '' : ' (use a comparison)'}`);
        break;
    }
  };

  config.sections.forEach((s, i) => statements(s.body, ['sections', i, 'body']));
  return out;
}

function article(kind: string): string {
  return kind === 'array' ? 'an array' : kind === 'regexp' ? 'a regexp' : `a ${kind}`;
}
