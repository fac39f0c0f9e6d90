/**
 * Rewrites an expression so lezer's PromQL grammar can parse it the way Prometheus does.
 *
 * lezer's LR parser has two guards Prometheus' parser does not: after ~300 reductions of a left-associative
 * chain spanning 2,000+ characters it force-reduces the stack (a guard against trees too deep to recurse
 * through), so `absent(a) or absent(b) or ...` with 190 terms became a "syntax error" halfway; and it cuts the
 * stack at ~580 levels of nesting. The first is removed here: a chain of more than `CHUNK` operands of one
 * set or arithmetic operator is grouped into parenthesised runs (`a or b or ... z` -> `(a or ... m) or (n or ...
 * z)`), which changes neither validity, nor result type, nor result labels (the expression is only checked, never
 * evaluated). Comparisons (a scalar run would need `bool`) and `^` (right-associative) are left alone. The second
 * is reported as a clear limit by the caller (`nesting`).
 */

/** Operands per parenthesised run; well below lezer's 300 reductions. */
const CHUNK = 50;

type Kind = 'atom' | 'open' | 'close' | 'comma' | 'op' | 'modifier' | 'keyword' | 'other';

interface Token {
  readonly kind: Kind;
  readonly from: number;
  readonly to: number;
  /** Binary operator precedence (1 `or` ... 6 `^`), for `op` tokens. */
  readonly prec?: number;
  /** Whether a binary operator run of this kind may be regrouped. */
  readonly regroup?: boolean;
}

export interface Regrouped {
  /** The expression to parse (the input itself when nothing needed regrouping). */
  readonly text: string;
  /** Maps an offset in `text` to the offset in the input. */
  readonly original: (offset: number) => number;
  /** Deepest nesting of parentheses. */
  readonly nesting: number;
}

const IDENT = /[A-Za-z_:][A-Za-z0-9_:]*/y;
const NUMBER = /(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[A-Za-z0-9_]*)/y;
const KEYWORD_OPS: Readonly<Record<string, { prec: number; regroup: boolean }>> = {
  or: { prec: 1, regroup: true },
  and: { prec: 2, regroup: true },
  unless: { prec: 2, regroup: true },
  atan2: { prec: 5, regroup: true },
};
const MODIFIERS = new Set(['bool', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['by', 'without', 'offset']);

function numberAt(s: string, i: number): number {
  NUMBER.lastIndex = i;
  return NUMBER.exec(s)?.[0].length ?? 0;
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  // Whether the previous token ends an operand (then `+`/`-` are binary, else unary).
  const endsOperand = (): boolean => {
    const prev = out[out.length - 1];
    return prev !== undefined && (prev.kind === 'atom' || (prev.kind === 'close' && !labelListClose.has(out.length - 1)));
  };
  // Closing parentheses of `on (...)`, `by (...)` and the like: label lists, not operands.
  const labelListClose = new Set<number>();
  const opens: { index: number; labels: boolean }[] = [];
  const push = (kind: Kind, from: number, to: number, op?: { prec: number; regroup: boolean }): void => {
    out.push(op ? { kind, from, to, prec: op.prec, regroup: op.regroup } : { kind, from, to });
  };
  while (i < s.length) {
    const c = s[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === '\\' && c !== '`' ? 2 : 1;
      push('atom', i, Math.min(j + 1, s.length));
      i = j + 1;
    } else if (c === '{' || c === '[') {
      // Matchers and ranges hold no expressions: one opaque operand part (strings may contain the closer).
      const close = c === '{' ? '}' : ']';
      let j = i + 1;
      while (j < s.length && s[j] !== close) {
        const q = s[j] as string;
        if (q === '"' || q === "'" || q === '`') {
          j++;
          while (j < s.length && s[j] !== q) j += s[j] === '\\' && q !== '`' ? 2 : 1;
        }
        j++;
      }
      push('atom', i, Math.min(j + 1, s.length));
      i = j + 1;
    } else if (c === '(') {
      const prev = out[out.length - 1];
      opens.push({
        index: out.length,
        labels:
          prev !== undefined &&
          (prev.kind === 'modifier' || (prev.kind === 'keyword' && s.slice(prev.from, prev.to).toLowerCase() !== 'offset')),
      });
      push('open', i, ++i);
    } else if (c === ')') {
      const open = opens.pop();
      if (open?.labels) labelListClose.add(out.length);
      push('close', i, ++i);
    } else if (c === ',') {
      push('comma', i, ++i);
    } else if (/[A-Za-z_:]/.test(c)) {
      IDENT.lastIndex = i;
      const word = (IDENT.exec(s) as RegExpExecArray)[0];
      const lower = word.toLowerCase();
      const op = KEYWORD_OPS[lower];
      if (op) push('op', i, i + word.length, op);
      else push(MODIFIERS.has(lower) ? 'modifier' : KEYWORDS.has(lower) ? 'keyword' : 'atom', i, i + word.length);
      i += word.length;
    } else if (/[0-9.]/.test(c) && numberAt(s, i) > 0) {
      const n = numberAt(s, i);
      push('atom', i, i + n);
      i += n;
    } else {
      const two = s.slice(i, i + 2);
      if (['==', '!=', '>=', '<='].includes(two)) {
        push('op', i, i + 2, { prec: 3, regroup: false });
        i += 2;
      } else if (c === '>' || c === '<') {
        push('op', i, ++i, { prec: 3, regroup: false });
      } else if (c === '+' || c === '-') {
        if (endsOperand()) push('op', i, i + 1, { prec: 4, regroup: true });
        else push('other', i, i + 1);
        i++;
      } else if (c === '*' || c === '/' || c === '%') {
        push('op', i, ++i, { prec: 5, regroup: true });
      } else if (c === '^') {
        push('op', i, ++i, { prec: 6, regroup: false });
      } else {
        push('other', i, ++i);
      }
    }
  }
  return out;
}

/** Groups long runs of one operator (see the file comment); iterative, so deep input cannot overflow the stack. */
export function regroupPromql(expr: string): Regrouped {
  const tokens = tokenize(expr);
  // Matching parenthesis of every `(` (unbalanced: the end), and the deepest nesting.
  const match = new Map<number, number>();
  const stack: number[] = [];
  let nesting = 0;
  tokens.forEach((t, i) => {
    if (t.kind === 'open') {
      stack.push(i);
      nesting = Math.max(nesting, stack.length);
    } else if (t.kind === 'close') {
      const open = stack.pop();
      if (open !== undefined) match.set(open, i);
    }
  });
  for (const open of stack) match.set(open, tokens.length);

  const opens: number[] = [];
  const closes: number[] = [];
  const work: [number, number][] = [[0, tokens.length]];
  for (let range = work.pop(); range; range = work.pop()) {
    const [lo, hi] = range;
    const commas: number[] = [];
    const ops: number[] = [];
    const groups: [number, number][] = [];
    for (let i = lo; i < hi; i++) {
      const t = tokens[i] as Token;
      if (t.kind === 'open') {
        const end = Math.min(match.get(i) ?? hi, hi);
        groups.push([i + 1, end]);
        i = end;
      } else if (t.kind === 'comma') commas.push(i);
      else if (t.kind === 'op') ops.push(i);
    }
    if (commas.length > 0) {
      let start = lo;
      for (const c of [...commas, hi]) {
        work.push([start, c]);
        start = c + 1;
      }
      continue;
    }
    if (ops.length === 0) {
      work.push(...groups);
      continue;
    }
    const lowest = Math.min(...ops.map((i) => (tokens[i] as Token).prec as number));
    const splits = ops.filter((i) => (tokens[i] as Token).prec === lowest);
    // Operands between the splitting operators; an operand starts after the operator's modifiers.
    const operands: [number, number][] = [];
    let start = lo;
    for (const op of [...splits, hi]) {
      operands.push([start, op]);
      start = op + 1;
      while (start < hi && (tokens[start] as Token).kind === 'modifier') {
        start++;
        if (start < hi && (tokens[start] as Token).kind === 'open') start = Math.min((match.get(start) ?? hi) + 1, hi);
      }
    }
    work.push(...operands);
    if (!(tokens[splits[0] as number] as Token).regroup) continue;
    // Runs of CHUNK operands, then runs of CHUNK runs, ...: each level stays well below lezer's limit.
    let level = operands.filter(([a, b]) => a < b);
    while (level.length > CHUNK) {
      const next: [number, number][] = [];
      for (let k = 0; k < level.length; k += CHUNK) {
        const run = level.slice(k, k + CHUNK);
        const first = run[0] as [number, number];
        const last = run[run.length - 1] as [number, number];
        opens.push((tokens[first[0]] as Token).from);
        closes.push((tokens[last[1] - 1] as Token).to);
        next.push([first[0], last[1]]);
      }
      level = next;
    }
  }
  if (opens.length === 0) return { text: expr, original: (offset) => offset, nesting };

  // Insert: at one offset, closing parentheses come before opening ones (`a) or (b` never shares an offset,
  // but stay safe), and all share the offset in the input.
  const inserts = [...closes.map((at) => ({ at, text: ')' })), ...opens.map((at) => ({ at, text: '(' }))].sort(
    (x, y) => x.at - y.at || (x.text === ')' ? -1 : 1) - (y.text === ')' ? -1 : 1),
  );
  const parts: string[] = [];
  // Offsets in the output where an inserted parenthesis sits, in order: an output offset maps back by
  // subtracting the insertions before it.
  const inserted: number[] = [];
  let pos = 0;
  for (const ins of inserts) {
    parts.push(expr.slice(pos, ins.at), ins.text);
    pos = ins.at;
    inserted.push(ins.at + inserted.length);
  }
  parts.push(expr.slice(pos));
  const original = (offset: number): number => {
    let before = 0;
    while (before < inserted.length && (inserted[before] as number) < offset) before++;
    return offset - before;
  };
  return { text: parts.join(''), original, nesting };
}
