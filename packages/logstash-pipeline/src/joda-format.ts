/** Special `match` formats of the date filter besides Joda-Time patterns. */
export const DATE_KEYWORDS = ['ISO8601', 'UNIX', 'UNIX_MS', 'TAI64N'] as const;

// Joda-Time DateTimeFormat pattern letters (`DateTimeFormat.parsePatternTo`).
const JODA_LETTERS = new Set('GCYxwieEyDMdaKhHkmsSzZ'.split(''));

/**
 * Checks a date filter format: one of the keywords, or a Joda-Time pattern (letters must be pattern letters;
 * literal text is quoted with `'`, `''` is a quote). Returns a problem description, or undefined when valid.
 */
export function checkDateFormat(format: string): string | undefined {
  if ((DATE_KEYWORDS as readonly string[]).includes(format)) return undefined;
  if (format === '') return 'empty date format';
  let i = 0;
  let letters = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === "'") {
      const end = format.indexOf("'", i + 1);
      if (end === -1) return `unterminated quote in date format ${JSON.stringify(format)}`;
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      if (!JODA_LETTERS.has(c)) return `illegal pattern letter ${JSON.stringify(c)} in Joda date format ${JSON.stringify(format)}`;
      letters++;
    }
    i++;
  }
  return letters === 0 ? `date format ${JSON.stringify(format)} has no pattern letters` : undefined;
}
