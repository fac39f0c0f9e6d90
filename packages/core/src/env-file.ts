import { z } from 'zod';
import { validateWith } from './diagnostics.js';
import { withHeader } from './yaml.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Line breaks of any kind and other control characters: no environment-file value may hold them. */
const UNSAFE = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;

/** An `EnvironmentFile=` (systemd.exec(5)): variable name -> single-line value. */
export const envFileSchema = z
  .record(
    z.string(),
    z.string().refine((v) => !UNSAFE.test(v), { message: 'an environment value must be a single line without control characters' }),
  )
  .superRefine((vars, ctx) => {
    for (const k of Object.keys(vars))
      if (!NAME.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'expected an environment variable name' });
  });
export type EnvFile = z.infer<typeof envFileSchema>;

/**
 * Prints `KEY="value"` lines (double-quoted, `\` `"` `$` and backquote escaped), in insertion order. The only way
 * an environment file (`/etc/default/*`, `EnvironmentFile=`) is written.
 */
export function printEnvFile(vars: EnvFile, options: { header?: string } = {}): string {
  const checked = validateWith(envFileSchema, vars);
  const lines = Object.entries(checked).map(([k, v]) => `${k}="${v.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`);
  return withHeader(options.header, `${lines.join('\n')}\n`, '#');
}

/**
 * The value of a variable an `Exec*=` line expands unbraced (`$ARGS`), which systemd splits at white space into
 * exactly these words. A word that is empty or holds white space cannot survive that split, so it is refused.
 */
export function argsVariable(words: readonly string[]): string {
  for (const w of words) {
    if (w === '' || /[\s\u0085\u2028\u2029]/.test(w) || UNSAFE.test(w)) {
      throw new Error(`${JSON.stringify(w)} cannot be one word of an unbraced $VARIABLE (empty, white space or control characters)`);
    }
  }
  return words.join(' ');
}

/** The words systemd makes of an unbraced `$VARIABLE` on an `Exec*=` line: split at white space (`argsVariable`'s inverse). */
export function parseArgsVariable(value: string): string[] {
  return value.split(/[ \t\n\r\f\v]+/).filter((w) => w !== '');
}

/**
 * The `--name=value` flags among a daemon's argument words, by name without dashes (`web.listen-address`); a flag
 * given twice keeps its last value, as Go's flag parsers (kingpin, pflag) do. Words of another shape are ignored.
 */
export function argsFlags(words: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of words) {
    const m = /^--?([A-Za-z0-9][\w.-]*)=(.*)$/s.exec(word);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * Parses an `EnvironmentFile=` as systemd reads what `printEnvFile` prints and what Debian's packages ship: `#`/`;`
 * comments, `KEY=value`, a double-quoted value with backslash escapes, a single-quoted value taken literally.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`not an environment-file line: ${JSON.stringify(raw)}`);
    const v = m[2]!;
    const quoted = v.length >= 2 && v.at(-1) === v[0] && (v[0] === '"' || v[0] === "'");
    out[m[1]!] = !quoted ? v : v[0] === "'" ? v.slice(1, -1) : v.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return out;
}
