import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type WordSyntax, parseArgsVariable, parseEnvFile, splitWords } from '@chatops/core';

/** What a systemd unit would run, read the way systemd reads it (for tests: no init system runs here). */
export interface UnitCommand {
  readonly unit: string;
  /** The unit file the command came from: the deployed one under the node's root, or Debian's own. */
  readonly file: string;
  /** True when the unit file is Debian's (the package's unit, not one we render). */
  readonly fromPackage: boolean;
  /** `User=`, if any. */
  readonly user: string | undefined;
  /** ExecStart, specifiers and environment expanded: argv[0] is the executable. */
  readonly argv: readonly string[];
  /** The environment systemd would give it (EnvironmentFile= and Environment=). */
  readonly environment: Readonly<Record<string, string>>;
}

export interface UnitCommandOptions {
  /** The node's root prefix on this machine (where its `/etc/...` was deployed). */
  readonly root: string;
  /** Unit name, e.g. `prometheus.service` or `chatops@2.service`. */
  readonly unit: string;
  /** Where the packages' units are. @default ['/lib/systemd/system', '/usr/lib/systemd/system'] */
  readonly packageUnitDirs?: readonly string[];
}

const ROOTED = ['/etc/', '/run/', '/var/'];

/**
 * Reads a unit's command line as systemd would: the deployed unit under `root` (or, for units we only extend with
 * drop-ins, the Debian package's), its drop-ins, `EnvironmentFile=` (`-` optional) and `Environment=`, then
 * ExecStart with `%i`/`%%` specifiers, `${VAR}` (one word) and `$VAR` (split on whitespace) expanded.
 * Paths in a package unit (`/etc/default/x`, `/run/x.pid`) are moved under `root`, as deploy moves ours.
 */
export function unitCommand(options: UnitCommandOptions): UnitCommand {
  const { root, unit } = options;
  const template = unit.replace(/@[^.]+\./, '@.');
  const instance = /@([^.]+)\./.exec(unit)?.[1] ?? '';
  const deployedDir = join(root, 'etc/systemd/system');
  const own = [unit, template].map((u) => join(deployedDir, u)).find((f) => existsSync(f));
  const packaged = own
    ? undefined
    : (options.packageUnitDirs ?? ['/lib/systemd/system', '/usr/lib/systemd/system'])
        .flatMap((d) => [unit, template].map((u) => join(d, u)))
        .find((f) => existsSync(f));
  const file = own ?? packaged;
  if (!file) throw new Error(`unit ${unit}: neither ${join(deployedDir, unit)} nor a package unit exists`);
  const fromPackage = own === undefined;
  const reroot = (word: string) => (fromPackage && ROOTED.some((p) => word.startsWith(p)) ? join(root, word) : word);

  const dropInDir = join(deployedDir, `${unit}.d`);
  const templateDropInDir = join(deployedDir, `${template}.d`);
  const dropIns = [templateDropInDir, dropInDir]
    .filter((d, i, all) => all.indexOf(d) === i && existsSync(d))
    .flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.conf'))
        .sort()
        .map((f) => join(d, f)),
    );

  const service: Record<string, string[]> = {};
  for (const f of [file, ...dropIns]) {
    for (const [key, value] of serviceDirectives(readFileSync(f, 'utf8'))) {
      const fromThisPackage = fromPackage && f === file;
      const v = specifiers(value, instance);
      // An empty assignment resets the list (how drop-ins replace ExecStart=).
      if (v === '') service[key] = [];
      else (service[key] ??= []).push(fromThisPackage && key === 'EnvironmentFile' ? rerootOptional(v, reroot) : v);
    }
  }

  const environment: Record<string, string> = {};
  for (const entry of service.EnvironmentFile ?? []) {
    const optional = entry.startsWith('-');
    const path = optional ? entry.slice(1) : entry;
    if (!existsSync(path)) {
      if (optional) continue;
      throw new Error(`unit ${unit}: EnvironmentFile ${path} does not exist`);
    }
    Object.assign(environment, parseEnvFile(readFileSync(path, 'utf8')));
  }
  for (const entry of service.Environment ?? []) {
    for (const assignment of words(entry)) {
      const eq = assignment.indexOf('=');
      if (eq > 0)
        environment[assignment.slice(0, eq)] = fromPackage
          ? assignment
              .slice(eq + 1)
              .split(' ')
              .map(reroot)
              .join(' ')
          : assignment.slice(eq + 1);
    }
  }
  const execStart = (service.ExecStart ?? []).at(-1);
  if (!execStart) throw new Error(`unit ${unit} (${file}) has no ExecStart=`);
  const argv = expand(execStart.replace(/^[-@+!:]+/, ''), environment).map(reroot);
  return { unit, file, fromPackage, user: service.User?.at(-1), argv, environment };
}

function rerootOptional(value: string, reroot: (w: string) => string): string {
  return value.startsWith('-') ? `-${reroot(value.slice(1))}` : reroot(value);
}

/** `[Service]` directives in order, continuation lines joined. */
function serviceDirectives(text: string): [string, string][] {
  const out: [string, string][] = [];
  let section = '';
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      section = line;
      continue;
    }
    if (section !== '[Service]') continue;
    const eq = line.indexOf('=');
    if (eq > 0) out.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return out;
}

function specifiers(value: string, instance: string): string {
  return value.replace(/%(.)/g, (m, c: string) => (c === '%' ? '%' : c === 'i' || c === 'I' ? instance : m));
}

/** systemd's command-line words: quotes group (`\` escapes inside), `\` escapes outside. */
const COMMAND_WORDS: WordSyntax = { blank: /\s/, quotes: { '"': 'escapes', "'": 'escapes' }, backslash: true };

/** Splits a command line into words, honouring double/single quotes and backslash escapes. */
function words(line: string): string[] {
  const { words, unterminated } = splitWords(line, COMMAND_WORDS);
  if (unterminated) throw new Error(`unbalanced quote in ${line}`);
  return words;
}

/** systemd's ExecStart expansion: a lone `$VAR` word splits into words, `${VAR}` anywhere is one word's text. */
function expand(line: string, env: Record<string, string>): string[] {
  return words(line).flatMap((word) => {
    const lone = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
    if (lone) return parseArgsVariable(env[lone[1]!] ?? '');
    return [word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? '')];
  });
}
