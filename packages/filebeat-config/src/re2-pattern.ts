import { RE2JS } from 're2js';
import { z } from 'zod';

/**
 * Scans a pattern for constructs that RE2 (Go's `regexp`, which Filebeat uses) does not support and that people
 * carry over from PCRE/Java, so the error can name them instead of RE2's terse syntax message.
 */
function unsupportedConstruct(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `backreference \\${next} is not supported by RE2 (Go regexp)`;
      if (!inClass && next === 'k' && /[<{']/.test(pattern[i + 2] ?? ''))
        return 'named backreference \\k<...> is not supported by RE2 (Go regexp)';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A ']' right after '[' or '[^' is a literal.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith('=')) return 'lookahead (?=...) is not supported by RE2 (Go regexp)';
      if (rest.startsWith('!')) return 'negative lookahead (?!...) is not supported by RE2 (Go regexp)';
      if (rest.startsWith('<=')) return 'lookbehind (?<=...) is not supported by RE2 (Go regexp)';
      if (rest.startsWith('<!')) return 'negative lookbehind (?<!...) is not supported by RE2 (Go regexp)';
      if (rest.startsWith('>')) return 'atomic group (?>...) is not supported by RE2 (Go regexp)';
      if (/^<[A-Za-z_]/.test(rest)) return 'named group (?<name>...) needs Go 1.22; write (?P<name>...)';
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && pattern[i + 1] === '+' && i > 0) {
      return `possessive quantifier ${c}+ is not supported by RE2 (Go regexp)`;
    }
  }
  return undefined;
}

/** Why a pattern is not a valid RE2 (Go `regexp`) expression, or `undefined` when it compiles. */
export function re2Problem(pattern: string): string | undefined {
  if (verdicts.has(pattern)) return verdicts.get(pattern);
  const verdict = check(pattern);
  if (verdicts.size >= 1000) verdicts.clear();
  verdicts.set(pattern, verdict);
  return verdict;
}

// Compiling with re2js costs ~0.2 ms; the same patterns are checked again on every parse of a rendered file.
const verdicts = new Map<string, string | undefined>();

function check(pattern: string): string | undefined {
  const construct = unsupportedConstruct(pattern);
  if (construct) return construct;
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    return `invalid RE2 regular expression: ${(e as Error).message.replace(/^error parsing regexp: /, '')}`;
  }
}

/** A regular expression Filebeat compiles with Go's `regexp` (RE2 syntax): no lookaround, no backreferences. */
export const re2Pattern = z
  .string()
  .min(1, { message: 'expected a non-empty regular expression' })
  .superRefine((value, ctx) => {
    const problem = re2Problem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('A regular expression in RE2 syntax (Go regexp): no lookaround, no backreferences.');
