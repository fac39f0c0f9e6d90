import { z } from 'zod';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An `EnvironmentFile=` (systemd.exec(5)): variable name -> single-line value. */
export const envFileSchema = z.record(
  z.string().regex(NAME, { message: 'expected an environment variable name' }),
  z.string().refine((v) => !/[\r\n]/.test(v), { message: 'an environment value must be a single line' }),
);
export type EnvFile = z.infer<typeof envFileSchema>;

/** Prints `KEY="value"` lines (double-quoted, `\` `"` `$` and backquote escaped), in insertion order. */
export function printEnvFile(vars: EnvFile, options: { header?: string } = {}): string {
  const checked = envFileSchema.parse(vars);
  const header = options.header ? `${options.header.split('\n').map((l) => (l ? `# ${l}` : '#')).join('\n')}\n` : '';
  const lines = Object.entries(checked).map(([k, v]) => `${k}="${v.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`);
  return `${header}${lines.join('\n')}\n`;
}

/** Parses what `printEnvFile` prints (and plain `KEY=value` lines). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`not an environment-file line: ${JSON.stringify(raw)}`);
    const v = m[2]!;
    out[m[1]!] = v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
  }
  return out;
}
