import { labelMatches, re2Error } from '@chatops/prometheus-common';

/** Alertmanager's four matcher operators. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** One label matcher, as Alertmanager parses `name=~"value"`. */
export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  /** The unescaped value (a RE2 regular expression for `=~` and `!~`, anchored at both ends when matching). */
  readonly value: string;
}

/** A set of labels, as alerts carry them. */
export type LabelSet = Readonly<Record<string, string>>;

/** Thrown for matcher text Alertmanager would reject; the message mirrors Alertmanager's. */
export class MatcherSyntaxError extends Error {
  override readonly name = 'MatcherSyntaxError';
}

// Alertmanager 0.25 pkg/labels/parse.go: the same expression, operators tried longest first.
const MATCHER = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** Refuses a regular expression RE2 does not compile, as Alertmanager does. */
function checkRegex(value: string): void {
  const error = re2Error(value);
  if (error) throw new MatcherSyntaxError(`invalid regular expression ${JSON.stringify(value)}: ${error}`);
}

/**
 * Parses one matcher the way Alertmanager 0.25 does (`labels.ParseMatcher`): `name op value`, the value optionally
 * double-quoted, `\"`, `\\` and `\n` unescaped, any other backslash kept literally; regular expressions must
 * compile as RE2.
 */
export function parseMatcher(text: string): Matcher {
  const m = MATCHER.exec(text);
  if (!m) throw new MatcherSyntaxError(`bad matcher format: ${text}`);
  const [, name = '', op = '=', raw = ''] = m;
  let rawValue = raw;
  let expectTrailingQuote = false;
  if (rawValue.startsWith('"')) {
    rawValue = rawValue.slice(1);
    expectTrailingQuote = true;
  }
  let value = '';
  let escaped = false;
  const chars = [...rawValue];
  for (let i = 0; i < chars.length; i++) {
    const r = chars[i] as string;
    if (escaped) {
      escaped = false;
      if (r === 'n') value += '\n';
      else if (r === '"' || r === '\\') value += r;
      else value += `\\${r}`;
      continue;
    }
    if (r === '\\') {
      if (i < chars.length - 1) {
        escaped = true;
        continue;
      }
      value += '\\';
    } else if (r === '"') {
      if (!expectTrailingQuote || i < chars.length - 1) {
        throw new MatcherSyntaxError(`matcher value contains unescaped double quote: ${raw}`);
      }
      expectTrailingQuote = false;
    } else {
      value += r;
    }
  }
  if (expectTrailingQuote) throw new MatcherSyntaxError(`matcher value contains unescaped double quote: ${raw}`);
  const matcher: Matcher = { name, type: op as MatchType, value };
  if (matcher.type === '=~' || matcher.type === '!~') checkRegex(value);
  return matcher;
}

/**
 * Parses a matcher list the way Alertmanager's config does for each `matchers:` entry (`labels.ParseMatchers`):
 * optional braces, matchers separated by commas outside double quotes.
 */
export function parseMatchers(text: string): Matcher[] {
  let s = text;
  if (s.startsWith('{')) s = s.slice(1);
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let token = '';
  let insideQuotes = false;
  let escaped = false;
  for (const r of s) {
    if (r === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (r === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (r === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    token += r;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  return tokens.map(parseMatcher);
}

/** Whether a label set satisfies one matcher (a missing label counts as the empty string, as in Alertmanager). */
export function matcherMatches(m: Matcher, labels: LabelSet): boolean {
  const v = Object.hasOwn(labels, m.name) ? (labels[m.name] ?? '') : '';
  if (m.type === '=~' || m.type === '!~') checkRegex(m.value);
  return labelMatches(m.type, m.value, v);
}

/** Whether a label set satisfies every matcher of a list. */
export function matchesAll(matchers: readonly Matcher[], labels: LabelSet): boolean {
  return matchers.every((m) => matcherMatches(m, labels));
}

/** Go's `strconv.Quote`, which Alertmanager uses to print matcher values and label values. */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (/\p{C}|\p{Z}/u.test(ch) && ch !== ' ')
      out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `name=~"value"`, exactly as Alertmanager prints a matcher. */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.type}${goQuote(m.value)}`;
}

/** Alertmanager's matcher order (`labels.Matchers.Less`): by name, then value, then operator. */
export function compareMatchers(a: Matcher, b: Matcher): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  const order: readonly MatchType[] = ['=', '!=', '=~', '!~'];
  return order.indexOf(a.type) - order.indexOf(b.type);
}

/** `{a="b",c=~"d"}`: a sorted matcher list as Alertmanager prints it in route keys. */
export function formatMatcherList(matchers: readonly Matcher[]): string {
  return `{${[...matchers].sort(compareMatchers).map(formatMatcher).join(',')}}`;
}
