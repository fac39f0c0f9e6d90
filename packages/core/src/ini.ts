import { withHeader } from './yaml.js';

export type IniValue = string | number | boolean;
/** Sections in print order; the `''` section (if any) prints first without a header. */
export type IniDocument = Readonly<Record<string, Readonly<Record<string, IniValue | undefined>>>>;

const KEY = /^[A-Za-z0-9_.-]+$/;

/**
 * What go-ini (Grafana's reader, default options) would not take verbatim from an unquoted value: `#` and `;`
 * start a comment anywhere, a trailing `\` continues the line, surrounding quotes and white space are stripped,
 * and a leading `"""` or backtick opens a quoted value.
 */
const NEEDS_QUOTES = /[#;]|\\$|^\s|\s$|^["'`]|^$/;

/** A value as go-ini reads it back: bare when it is taken verbatim, else in `"""` quotes (literal to the last `"""`). */
function iniValue(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"""${text}"""` : text;
}

/**
 * Serializes an INI document the way Grafana (go-ini) reads it: `[section]`, `key = value`; a value the reader
 * would not take verbatim (comment characters, surrounding quotes or blanks, a trailing backslash) is written in
 * triple quotes. Values may not contain newlines.
 */
export function toIni(doc: IniDocument, options: { header?: string; separator?: string } = {}): string {
  const sep = options.separator ?? ' = ';
  const blocks: string[] = [];
  const sections = Object.keys(doc).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : 0));
  for (const section of sections) {
    const entries = Object.entries(doc[section] ?? {}).filter(([, v]) => v !== undefined);
    if (entries.length === 0 && section !== '') continue;
    const lines: string[] = section === '' ? [] : [`[${section}]`];
    for (const [key, value] of entries) {
      if (!KEY.test(key)) throw new Error(`INI key ${JSON.stringify(key)} in [${section}] has characters INI readers reject`);
      const text = String(value);
      if (/[\r\n]/.test(text)) throw new Error(`INI value for ${section}.${key} contains a newline`);
      lines.push(`${key}${sep}${iniValue(text)}`);
    }
    blocks.push(lines.join('\n'));
  }
  return withHeader(options.header, `${blocks.filter((b) => b !== '').join('\n\n')}\n`, ';');
}
