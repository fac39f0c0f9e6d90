/**
 * Single-quotes one word for /bin/sh: the only way a value reaches a rendered shell script. Inside single quotes
 * nothing is special but the quote itself; a NUL byte cannot be passed at all, so it is refused.
 */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new Error(`a shell word cannot hold a NUL byte: ${JSON.stringify(word)}`);
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
