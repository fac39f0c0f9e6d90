/**
 * How a config format splits a line into words: which characters separate words, how each quote character's
 * content is read, whether `\` escapes outside quotes and whether a comment character ends the line.
 */
export interface WordSyntax {
  /** Tested on each character outside quotes: true separates words. */
  readonly blank: RegExp;
  /** Each quote character and its content: `literal` up to the closing quote, `escapes`: `\` takes the next character as is. */
  readonly quotes: Readonly<Record<string, 'literal' | 'escapes'>>;
  /** Outside quotes `\` takes the next character as is. @default false */
  readonly backslash?: boolean;
  /** Where a word would start, this character ends the line (a comment). @default none */
  readonly comment?: string;
}

/** The words of one line, and whether a quote was left open at its end (the caller decides whether that is an error). */
export interface SplitWords {
  readonly words: string[];
  readonly unterminated: boolean;
}

/**
 * Splits a line into words by `syntax`: quotes group blanks into a word (an empty quoted string is a word), `\`
 * escapes where the syntax says so. One reader for the word-splitting config formats (systemd `Exec*=` lines,
 * HAProxy lines and ACL conditions); each caller states its format's rules.
 */
export function splitWords(line: string, syntax: WordSyntax): SplitWords {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== undefined) {
      if (syntax.quotes[quote] === 'escapes' && c === '\\' && i + 1 < line.length) current += line[++i];
      else if (c === quote) quote = undefined;
      else current += c;
    } else if (syntax.backslash && c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (Object.hasOwn(syntax.quotes, c)) {
      quote = c;
      inWord = true;
    } else if (c === syntax.comment && !inWord) break;
    else if (syntax.blank.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return { words, unterminated: quote !== undefined };
}
