/**
 * HAProxy's config tokenizer splits lines on blanks; `#` starts a comment; `\` escapes; double quotes expand
 * `$VAR` environment variables; single quotes are taken literally. A word that needs none of that prints bare,
 * anything else prints in single quotes (literal), or in double quotes with `\`, `"` and `$` escaped when it
 * holds a single quote itself.
 */
const BARE = /^[^\s#"'\\]+$/;

export function word(value: string | number): string {
  const text = String(value);
  if (/[\r\n\0]/.test(text)) throw new Error(`HAProxy config values cannot contain line breaks or NUL: ${JSON.stringify(text)}`);
  if (text === '') throw new Error('HAProxy drops empty words: an empty value cannot be written');
  if (BARE.test(text)) return text;
  if (!text.includes("'")) return `'${text}'`;
  return `"${text.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** Joins a keyword line: undefined/false members are dropped, everything else is already a printed token. */
export function line(...tokens: (string | undefined | false)[]): string {
  return tokens.filter((t): t is string => typeof t === 'string' && t !== '').join(' ');
}

/** `addr:port` (IPv6 literals print as-is: HAProxy takes the last colon as the port separator). */
export function hostPortToken(address: string, port: number | undefined): string {
  return port === undefined ? address : `${address}:${port}`;
}
