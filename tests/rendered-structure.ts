import { type Artifact, type WordSyntax, parseEnvFile, parseUnitFile, splitExecLine, splitWords } from '@chatops/core';
import { parseConfig as parseLogstash } from '@chatops/logstash-pipeline';
import { load } from 'js-yaml';

// The structure of every rendered file, re-parsed with its format's own parser: keys, sections, directives,
// list lengths and the number of words per line, but not the values themselves. A value that changes the
// structure of a file (one more line, key, directive, word or list element) changed what the daemon reads.

/** Renames a key (a value that became a key, e.g. a user name) so that renaming is not mistaken for a new key. */
export type KeyFilter = (key: string) => string;

/** The shape of a parsed document: key names (through `key`), nesting, array lengths and leaf types. */
export function shapeOf(value: unknown, key: KeyFilter): string {
  if (Array.isArray(value)) return `[${value.map((v) => shapeOf(v, key)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${key(k)}:${shapeOf(v, key)}`);
    return `{${entries.sort().join(',')}}`;
  }
  return value === null ? 'null' : typeof value;
}

const HAPROXY_WORDS: WordSyntax = { blank: /[ \t]/, quotes: { "'": 'literal', '"': 'escapes' }, backslash: true, comment: '#' };

/** HAProxy's tokenizer: blanks split words, `#` starts a comment, `\` escapes, quotes group (see haproxy-config's _tokens). */
export function haproxyWords(line: string): string[] {
  const { words, unterminated } = splitWords(line, HAPROXY_WORDS);
  if (unterminated) throw new Error(`unterminated quote in ${JSON.stringify(line)}`);
  return words;
}

/** POSIX sh words and operators of a whole script (quotes may span lines), enough for what the renderers print. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: string | undefined;
  const end = () => {
    if (inWord) words.push(current);
    current = '';
    inWord = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== "'" && c === '$' && text[i + 1] === '(') {
      // A command substitution is one piece of the word it is in, whatever it quotes inside.
      const end = substitutionEnd(text, i + 2);
      current += text.slice(i, end + 1);
      inWord = true;
      i = end;
    } else if (quote === "'") {
      if (c === "'") quote = undefined;
      else current += c;
    } else if (quote === '"') {
      if (c === '\\' && i + 1 < text.length) current += text[++i];
      else if (c === '"') quote = undefined;
      else current += c;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '#' && !inWord) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (/[\s;|&(){}<>]/.test(c)) {
      end();
      if (!/\s/.test(c) || c === '\n') words.push(c);
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote) throw new Error('unterminated quote');
  end();
  return words;
}

/** Index of the `)` closing a `$(` whose body starts at `from`. */
function substitutionEnd(text: string, from: number): number {
  let depth = 1;
  let quote: string | undefined;
  for (let j = from; j < text.length; j++) {
    const c = text[j]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (quote === '"') {
      if (c === '\\') j++;
      else if (c === '"') quote = undefined;
    } else if (c === '\\') j++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
  }
  throw new Error('unterminated $(');
}

function iniShape(text: string, lists: readonly string[]): unknown[] {
  const out: unknown[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      out.push(`[${header[1]}]`);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not an INI line: ${JSON.stringify(raw)}`);
    const k = line.slice(0, eq).trim();
    const v = line.slice(eq + 1).trim();
    // Grafana splits list settings at spaces and commas.
    out.push(lists.includes(k) ? [k, v.split(/[\s,]+/).filter(Boolean).length] : k);
  }
  return out;
}

const INI_LISTS = ['scopes', 'allowed_groups', 'allowed_domains'];

/** The parsed structure of one rendered file, by its format; undefined for files without one (certificates). */
export function parsedStructure(a: Artifact): unknown {
  const { path, content } = a;
  if (/\.(pem|crt|key)$/.test(path)) return undefined;
  if (/\.ya?ml$/.test(path)) return load(content);
  if (/\.json$/.test(path)) return JSON.parse(content);
  if (path.startsWith('/etc/systemd/system/')) {
    const unit = parseUnitFile(content, path);
    return Object.fromEntries(
      Object.entries(unit).map(([section, keys]) => [
        section,
        Object.fromEntries(
          Object.entries(keys).map(([k, values]) => [k, k.startsWith('Exec') ? values.map((v) => splitExecLine(v).argv) : values]),
        ),
      ]),
    );
  }
  if (path.startsWith('/etc/default/') || path.endsWith('.env')) {
    const vars = parseEnvFile(content);
    // An unbraced $ARGS is split at white space by systemd: its words count.
    return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, /ARGS$/.test(k) ? v.split(/\s+/).filter(Boolean) : v]));
  }
  if (path.endsWith('.ini') || path.startsWith('/etc/chatops/stunnel/')) return iniShape(content, INI_LISTS);
  if (path.endsWith('haproxy.cfg')) {
    return content
      .split('\n')
      .map((l) => haproxyWords(l))
      .filter((w) => w.length > 0)
      .map((w) => [w[0], w.length]);
  }
  if (path.startsWith('/etc/logstash/conf.d/')) {
    const parsed = parseLogstash(content);
    if (!parsed.config) throw new Error(`${path}: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
    return parsed.config;
  }
  if (path.endsWith('.sh')) return shellWords(content).map((w) => (/^[\n;|&(){}<>]$/.test(w) ? w : 'w'));
  // Anything else (templates): its lines.
  return content.split('\n').length;
}

/** The parsed structure of every non-secret file of a bundle, by path (secret files hold their own values). */
export function parsedBundle(artifacts: readonly Artifact[]): Map<string, unknown> {
  return new Map(artifacts.filter((a) => !a.secret).map((a) => [a.path, parsedStructure(a)]));
}
