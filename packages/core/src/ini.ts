import { withHeader } from './yaml.js';

export type IniValue = string | number | boolean;
/** Sections in print order; the `''` section (if any) prints first without a header. */
export type IniDocument = Readonly<Record<string, Readonly<Record<string, IniValue | undefined>>>>;

const KEY = /^[A-Za-z0-9_.-]+$/;

/**
 * Serializes an INI document the way Grafana and systemd-style readers expect: `[section]`, `key = value`,
 * no quoting (values are taken verbatim to the end of the line), so values may not contain newlines.
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
      lines.push(`${key}${sep}${text}`);
    }
    blocks.push(lines.join('\n'));
  }
  return withHeader(options.header, `${blocks.filter((b) => b !== '').join('\n\n')}\n`, ';');
}
