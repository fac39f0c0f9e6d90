// Lexical rules of the config language, shared by the parser, the printer and the builders.

export const NAME = /^[A-Za-z0-9_-]+$/;
export const BAREWORD = /^[A-Za-z_][A-Za-z0-9_]+$/;
export const NUMBER = /^-?[0-9]+(\.[0-9]*)?$/;
export const SELECTOR_ELEMENT = /^[^\][,]+$/;

/**
 * Whether raw text can sit between two `quote` characters under `config.support_escapes: false`: the grammar reads
 * `\<quote>` as part of the text, so every quote inside must be preceded by a backslash, and the text must not end
 * with a backslash (it would swallow the closing quote).
 */
export function fitsQuotes(raw: string, quote: '"' | "'" | '/'): boolean {
  if (raw.endsWith('\\')) return false;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === quote && raw[i - 1] !== '\\') return false;
  }
  return true;
}

/** The quoted form of a raw string value: double quotes when possible, else single; undefined when neither fits. */
export function quote(raw: string): string | undefined {
  if (fitsQuotes(raw, '"')) return `"${raw}"`;
  if (fitsQuotes(raw, "'")) return `'${raw}'`;
  return undefined;
}

/** Why a raw value can't be written as a string literal. */
export function unquotableReason(raw: string): string {
  if (raw.endsWith('\\')) return 'a string cannot end with a backslash (config.support_escapes is false)';
  return 'a string cannot contain both an unescaped " and an unescaped \' (config.support_escapes is false)';
}

/** Converts a JavaScript number to the grammar's number text (no exponent). */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  const text = Number.isInteger(n) ? BigInt(n).toString() : String(n);
  if (!NUMBER.test(text)) throw new Error(`number ${n} cannot be written without an exponent`);
  return text;
}
