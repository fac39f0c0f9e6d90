import { z } from 'zod';
import { ConfigError, validateWith } from './diagnostics.js';
import { type WordSyntax, splitWords } from './split-words.js';

/**
 * Text systemd must take as written: its `%` specifiers (`%i`) and, in `Exec*=` lines, its `$` expansions are
 * meant for systemd. Built by `raw()` and `execLine()`; everything else is a literal `string`.
 */
export interface RawWord {
  readonly raw: string;
}

/** A directive value: a literal string (printed with `%` escaped), or raw text whose specifiers are meant. */
export type UnitValue = string | RawWord;

/** Characters no unit-file value may hold: line breaks of any kind and other control characters. */
const UNSAFE = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;

const rawWord = z.strictObject({ raw: z.string() });
const oneValue = z.union([z.string(), rawWord]).superRefine((v, ctx) => {
  const text = typeof v === 'string' ? v : v.raw;
  if (UNSAFE.test(text)) ctx.addIssue({ code: 'custom', message: 'a directive value must be a single line without control characters' });
  else if (text.endsWith('\\'))
    ctx.addIssue({ code: 'custom', message: 'a directive value must not end with a backslash (systemd would join the next line)' });
  else if (typeof v === 'string' && text !== text.trim())
    ctx.addIssue({ code: 'custom', message: 'a directive value must not start or end with white space (systemd strips it)' });
});
/** A directive's value: one line, or several lines for repeatable directives (`ExecStartPre`, `After`, ...). */
const value = z.union([oneValue, z.array(oneValue).min(1)]);
const directives = <K extends string>(keys: readonly K[]) =>
  z.strictObject(Object.fromEntries(keys.map((k) => [k, value.optional()])) as Record<K, z.ZodOptional<typeof value>>);

/** `[Unit]` directives we emit (systemd.unit(5)). */
export const UNIT_DIRECTIVES = [
  'Description',
  'Documentation',
  'Requires',
  'Wants',
  'BindsTo',
  'PartOf',
  'After',
  'Before',
  'Conflicts',
  'ConditionPathExists',
  'AssertPathExists',
  'StartLimitIntervalSec',
  'StartLimitBurst',
] as const;
/** `[Service]` directives we emit (systemd.service(5), systemd.exec(5), systemd.kill(5)). */
export const SERVICE_DIRECTIVES = [
  'Type',
  'User',
  'Group',
  'Environment',
  'EnvironmentFile',
  'ExecStartPre',
  'ExecStart',
  'ExecStartPost',
  'ExecReload',
  'ExecStop',
  'ExecStopPost',
  'Restart',
  'RestartSec',
  'TimeoutStartSec',
  'TimeoutStopSec',
  'RemainAfterExit',
  'KillMode',
  'KillSignal',
  'WorkingDirectory',
  'LimitNOFILE',
  'NoNewPrivileges',
  'ProtectSystem',
  'ProtectHome',
  'PrivateTmp',
  'ReadWritePaths',
  'ReadOnlyPaths',
  'RuntimeDirectory',
  'StateDirectory',
  'LoadCredential',
  'SyslogIdentifier',
  'UMask',
  'RuntimeDirectoryMode',
  'ConfigurationDirectory',
  'LogsDirectory',
  'CacheDirectory',
  'LimitNPROC',
  'LimitMEMLOCK',
  'TasksMax',
  'MemoryMax',
  // Sandboxing (systemd.exec(5)), written through sandbox() in systemd-sandbox.ts.
  'DynamicUser',
  'SupplementaryGroups',
  'ProtectProc',
  'ProcSubset',
  'PrivateDevices',
  'PrivateUsers',
  'PrivateIPC',
  'PrivateMounts',
  'PrivateNetwork',
  'ProtectKernelTunables',
  'ProtectKernelModules',
  'ProtectKernelLogs',
  'ProtectControlGroups',
  'ProtectClock',
  'ProtectHostname',
  'RestrictAddressFamilies',
  'RestrictNamespaces',
  'RestrictRealtime',
  'RestrictSUIDSGID',
  'RemoveIPC',
  'LockPersonality',
  'MemoryDenyWriteExecute',
  'SystemCallArchitectures',
  'SystemCallFilter',
  'SystemCallErrorNumber',
  'CapabilityBoundingSet',
  'AmbientCapabilities',
  'DevicePolicy',
  'DeviceAllow',
  'KeyringMode',
  'InaccessiblePaths',
  'BindReadOnlyPaths',
  'IPAddressAllow',
  'IPAddressDeny',
  'NotifyAccess',
] as const;
/** `[Timer]` directives (systemd.timer(5)). */
export const TIMER_DIRECTIVES = [
  'OnCalendar',
  'OnBootSec',
  'OnUnitActiveSec',
  'RandomizedDelaySec',
  'Persistent',
  'AccuracySec',
  'Unit',
] as const;
/** `[Install]` directives (systemd.unit(5)). */
export const INSTALL_DIRECTIVES = ['WantedBy', 'RequiredBy', 'Alias', 'DefaultInstance'] as const;

/**
 * A systemd unit file or drop-in: a strict mirror of the sections and directives we emit. Unknown sections and
 * directives are rejected; values are single lines without control characters (repeatable directives take an
 * array). This printer is the only way unit text is written: every value is escaped by its type.
 */
export const unitFileSchema = z.strictObject({
  Unit: directives(UNIT_DIRECTIVES).optional(),
  Service: directives(SERVICE_DIRECTIVES).optional(),
  Timer: directives(TIMER_DIRECTIVES).optional(),
  Install: directives(INSTALL_DIRECTIVES).optional(),
});
export type UnitFile = z.infer<typeof unitFileSchema>;
export type UnitFileInput = z.input<typeof unitFileSchema>;

const SECTION_ORDER = ['Unit', 'Service', 'Timer', 'Install'] as const;

/**
 * Prints a unit file: sections in systemd's conventional order, directives in insertion order, repeatable
 * directives one line each. A `''` in a list prints `Key=` (which resets a list directive in drop-ins).
 */
export function printUnitFile(input: UnitFileInput, options: { header?: string } = {}): string {
  const unit = validateWith(unitFileSchema, input);
  const blocks: string[] = [];
  for (const section of SECTION_ORDER) {
    const body = unit[section];
    if (!body) continue;
    const lines = [`[${section}]`];
    for (const [key, v] of Object.entries(body)) {
      if (v === undefined) continue;
      for (const line of Array.isArray(v) ? v : [v]) lines.push(`${key}=${printValue(line)}`);
    }
    blocks.push(lines.join('\n'));
  }
  const header = options.header
    ? `${options.header
        .split('\n')
        .map((l) => (l ? `# ${l}` : '#'))
        .join('\n')}\n`
    : '';
  return `${header}${blocks.join('\n\n')}\n`;
}

/** Escapes `%` so systemd reads a literal (it expands specifiers in almost every directive). */
export function escapeSpecifiers(text: string): string {
  return text.replaceAll('%', '%%');
}

function printValue(v: UnitValue): string {
  return typeof v === 'string' ? escapeSpecifiers(v) : v.raw;
}

/** A parsed unit file: section -> directive -> every value in order (comments and blank lines dropped). */
export type ParsedUnitFile = Record<string, Record<string, string[]>>;

/** Parses unit-file text (for round-trip tests and for cross-checks that read rendered units). */
export function parseUnitFile(text: string, file = 'unit'): ParsedUnitFile {
  const out: ParsedUnitFile = {};
  let section: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      out[section] ??= {};
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || section === undefined) {
      throw new ConfigError([{ file, line: i + 1, path: [], message: `not a unit-file line: ${JSON.stringify(raw)}` }]);
    }
    const key = line.slice(0, eq).trim();
    const values = (out[section]![key] ??= []);
    values.push(line.slice(eq + 1).trim());
  });
  return out;
}

/** Marks text as raw (its `%` specifiers and, in `Exec*=` words, `$` expansions are meant for systemd). */
export function raw(text: string): RawWord {
  return { raw: text };
}

const BARE = /^[A-Za-z0-9_@+=:,./-]+$/;

/** Quotes one command-line word for an `Exec*=` line: `%` and `$` are escaped so systemd takes them literally. */
export function quoteWord(word: string | RawWord): string {
  if (typeof word !== 'string') {
    if (UNSAFE.test(word.raw))
      throw new Error(`a command-line word must be a single line without control characters: ${JSON.stringify(word.raw)}`);
    return word.raw;
  }
  if (word === '') return '""';
  if (UNSAFE.test(word)) throw new Error(`a command-line word must be a single line without control characters: ${JSON.stringify(word)}`);
  const escaped = word.replaceAll('%', '%%').replaceAll('$', '$$$$');
  if (BARE.test(escaped.replaceAll('%%', '').replaceAll('$$', ''))) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * Builds an `Exec*=` value from argv (first word an absolute path, optionally with a `-`/`+`/`!` prefix): every
 * literal word is quoted and escaped, so the value is raw text for the unit printer.
 */
export function execLine(argv: readonly (string | RawWord)[], prefix: '' | '-' | '+' | '!' = ''): RawWord {
  const [command] = argv;
  if (typeof command !== 'string' || !command.startsWith('/'))
    throw new Error(`the command of an Exec line must be an absolute path: ${String(command)}`);
  return raw(`${prefix}${argv.map(quoteWord).join(' ')}`);
}

/** systemd's command-line words: blanks separate, `"…"` with `\` escapes, `'…'` literal. */
const EXEC_WORDS: WordSyntax = { blank: /[ \t]/, quotes: { '"': 'escapes', "'": 'literal' } };

/** Splits an `Exec*=` value into words (systemd quoting rules, enough for what `execLine` prints). */
export function splitExecLine(value: string | RawWord): { prefix: string; argv: string[] } {
  const line = typeof value === 'string' ? value : value.raw;
  const m = /^([-+!@:]*)(.*)$/.exec(line)!;
  const { words } = splitWords(m[2]!, EXEC_WORDS);
  return { prefix: m[1]!, argv: words.map((w) => w.replaceAll('%%', '%').replaceAll('$$', '$')) };
}
