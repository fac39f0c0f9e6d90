import { readFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import {
  ConfigError,
  type Diagnostic,
  type DocumentPath,
  SecretStore,
  formatPath,
  readSecret,
  sortDiagnostics,
  zodDiagnostics,
} from '@chatops/core';
import { certificateNameProblems } from './certificate-names.js';
import { crossCheck } from './cross-checks.js';
import type { Environment } from './environment.js';
import { environmentWarnings } from './image-pinning.js';
import { type ParsedDocument, parseDocumentFile } from './parse-document.js';
import type { CertificateRequest } from './render-context.js';
import { environmentSchema } from './schema.js';
import { secretRefs } from './secret-refs.js';
import { secretValueProblem } from './secret-value-rules.js';
import type { Catalogue } from './service-facts.js';

export interface LoadOptions {
  /** Where `env` secrets are read from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Paths in messages are shown relative to this directory. @default process.cwd() */
  readonly cwd?: string;
  /** Resolve secret values (off for `schema`-only uses such as linting in CI without secrets). @default true */
  readonly resolveSecrets?: boolean;
  /**
   * The certificates the stack will request for this environment (`certificateRequests` of @chatops/stack), so
   * that names X.509 cannot carry are refused at load, located, before anything is issued. @default none
   */
  readonly certificates?: (env: Environment) => readonly CertificateRequest[];
  /**
   * The stack's services, attached to the environment (`Environment.catalogue`) so services can be placed; the
   * port-clash check runs over their listeners. @default none (the environment cannot place services)
   */
  readonly services?: Catalogue;
}

export interface LoadedEnvironment {
  readonly environment: Environment;
  readonly secrets: SecretStore;
  /** Every file read, the environment file first, then its bases. */
  readonly files: readonly string[];
  /** Valid but unsafe settings (`environmentWarnings`), located like errors; `render --strict` rejects them. */
  readonly warnings: readonly Diagnostic[];
}

/**
 * Loads an environment file (YAML, TOML or JSON), applies its `extends:` chain, validates it, cross-checks it and
 * resolves its secrets. Every problem is reported at once as a ConfigError naming file, line and path.
 */
export function loadEnvironment(file: string, options: LoadOptions = {}): LoadedEnvironment {
  const cwd = options.cwd ?? process.cwd();
  const chain = readChain(resolve(cwd, file), cwd);
  const merged = chain.reduceRight<unknown>((base, doc) => deepMerge(base, doc.data), {});
  delete (merged as Record<string, unknown>).extends;

  const locate = chainLocator(chain, file);

  const parsed = environmentSchema.safeParse(merged);
  if (!parsed.success) {
    const diagnostics = zodDiagnostics(parsed.error).map((d) => ({ ...d, ...locate(d.path), ...mergeKeyHint(d) }));
    throw new ConfigError(sortDiagnostics(diagnostics), merged);
  }
  // After the schema, whose messages for paths, names and URLs are more precise.
  const unsafe = controlCharacters(merged).map((path) => ({ path, message: unsafeMessage(valueAt(merged, path)), ...locate(path) }));
  if (unsafe.length > 0) throw new ConfigError(sortDiagnostics(unsafe), merged);
  const sourceFile = resolve(cwd, file);
  const doc = parsed.data;
  // Without `name:`, the file name is the environment's name: it names directories (out/<name>, .pki/<name>), so it
  // obeys the same rule (a file named `...yaml` would otherwise make out/.. the output directory).
  const fileName = basename(sourceFile, extname(sourceFile));
  if (doc.name === undefined && !ENVIRONMENT_NAME.test(fileName)) {
    throw new ConfigError([
      {
        path: [],
        ...locate([]),
        line: 1,
        message: `the environment is named after its file, ${JSON.stringify(fileName)}: expected a lower-case name of letters, digits and hyphens; rename the file or set name:`,
      },
    ]);
  }
  const environment: Environment = {
    ...doc,
    name: doc.name ?? fileName,
    internalDomain: doc.internalDomain ?? `internal.${doc.domain}`,
    baseDir: dirname(sourceFile),
    sourceFile,
    ...(options.services ? { catalogue: options.services } : {}),
  };
  const isSet = (path: DocumentPath) => chain.some((d) => hasPath(d.data, path));
  const problems = [
    ...crossCheck(environment, isSet),
    ...certificateNameProblems(environment, options.certificates?.(environment) ?? [], isSet),
  ];
  const located = (d: Diagnostic): Diagnostic => ({ ...d, ...locate(d.path), ...defaultNote(environment, d, isSet, chain[0]?.file) });
  if (problems.length > 0) throw new ConfigError(sortDiagnostics(problems.map(located)), merged);

  const secrets = new SecretStore(environment.baseDir);
  if (options.resolveSecrets !== false) {
    const errors: Diagnostic[] = [];
    for (const { path, ref } of secretRefs(environment)) {
      try {
        const value = readSecret(ref, {
          env: options.env ?? process.env,
          baseDir: environment.baseDir,
          readFile: (p) => readFileSync(p, 'utf8'),
        });
        const problem = value === undefined ? undefined : secretValueProblem(path, value);
        if (problem !== undefined) errors.push({ path, message: problem, ...locate(path) });
        else if (value !== undefined) secrets.set(ref, value);
      } catch (e) {
        // At the line of the variable's name or the file's path (`env:`, `file:`), the value to fix.
        errors.push({ path, message: (e as Error).message, ...locate([...path, ...Object.keys(ref).slice(0, 1)]) });
      }
    }
    if (errors.length > 0) throw new ConfigError(errors, merged);
  }
  LOCATORS.set(sourceFile, located);
  const warnings = sortDiagnostics(environmentWarnings(environment).map((d) => ({ ...d, ...locate(d.path) })));
  return { environment, secrets, files: chain.map((d) => d.file), warnings };
}

type Locator = (path: DocumentPath) => Pick<Diagnostic, 'file' | 'line'>;

/** The file (child first) and line that hold the longest prefix of a path in an `extends:` chain. */
function chainLocator(chain: readonly ParsedDocument[], file: string): Locator {
  return (path) => {
    let best: { file: string; line: number; depth: number } | undefined;
    for (const doc of chain) {
      for (let n = path.length; n >= 0; n--) {
        if (!hasPath(doc.data, path.slice(0, n))) continue;
        const line = doc.locate(path.slice(0, n));
        if (line !== undefined && (!best || n > best.depth)) best = { file: doc.file, line, depth: n };
        break;
      }
    }
    const first = chain[0];
    return best ? { file: best.file, line: best.line } : { file: first?.file ?? file };
  };
}

/** How the last load of each environment file (by absolute path) locates a diagnostic, as it showed file names. */
const LOCATORS = new Map<string, (d: Diagnostic) => Diagnostic>();

/**
 * A diagnostic at a field the environment file does not set is about its default: the line is the closest
 * enclosing key the file has, so the message says which value it was.
 */
function defaultNote(env: Environment, d: Diagnostic, isSet: (path: DocumentPath) => boolean, file?: string): Partial<Diagnostic> {
  if (d.path.length === 0 || isSet(d.path)) return {};
  const value = valueAt(env, d.path);
  if (value === undefined || (value !== null && typeof value === 'object')) return {};
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return { message: `${d.message} (${formatPath(d.path, env)} is not set${file ? ` in ${file}` : ''}: its default is ${shown})` };
}

/**
 * Locates environment paths found after loading (a renderer's problem, mapped back to the field it came from):
 * file and line in the environment file or the `extends:` base that sets it. Diagnostics that already name a file
 * are kept. An environment that was not loaded from a file gets no location.
 */
export function locateInEnvironment(env: Pick<Environment, 'sourceFile'>, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const locate = env.sourceFile === undefined ? undefined : LOCATORS.get(env.sourceFile);
  return diagnostics.map((d) => (d.file !== undefined || locate === undefined ? d : locate(d)));
}

/** The schema's rule for `name:` (a name that is also a directory name). */
const ENVIRONMENT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;
/** Half of a UTF-16 surrogate pair alone: not a character; no output format can encode it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unsafeMessage(value: unknown): string {
  return typeof value === 'string' && !CONTROL.test(value)
    ? 'a value must be Unicode text (found half of a surrogate pair)'
    : 'a value must be a single line without control characters';
}

function valueAt(doc: unknown, path: DocumentPath): unknown {
  let cursor: unknown = doc;
  for (const seg of path) cursor = cursor && typeof cursor === 'object' ? (cursor as Record<string | number, unknown>)[seg] : undefined;
  return cursor;
}

/**
 * Paths of strings holding line breaks, other control characters or lone surrogates. No field of an environment is
 * meant to hold them, and most outputs (unit files, INI, HAProxy, ARGS) cannot carry them (no UTF-8 file a lone
 * surrogate); refused before anything else.
 * `chatops.config` is the app's own YAML, printed by a YAML serializer that escapes them.
 */
function controlCharacters(doc: unknown, path: DocumentPath = []): DocumentPath[] {
  if (path.length === 2 && path[0] === 'chatops' && path[1] === 'config') return [];
  if (typeof doc === 'string') return CONTROL.test(doc) || LONE_SURROGATE.test(doc) ? [path] : [];
  if (Array.isArray(doc)) return doc.flatMap((v, i) => controlCharacters(v, [...path, i]));
  if (doc && typeof doc === 'object') return Object.entries(doc).flatMap(([k, v]) => controlCharacters(v, [...path, k]));
  return [];
}

/** YAML 1.1 merge keys (`<<: *base`) are plain keys in YAML 1.2, which js-yaml reads: say so. */
function mergeKeyHint(d: Diagnostic): Partial<Diagnostic> {
  if (d.message !== 'unknown key' || d.path[d.path.length - 1] !== '<<') return {};
  return {
    message:
      'unknown key: YAML 1.2 has no merge keys (<<), so this is an ordinary key here; repeat the values, or put shared settings in a base file and use extends:',
  };
}

function readChain(absFile: string, cwd: string): ParsedDocument[] {
  const chain: ParsedDocument[] = [];
  const seen = new Set<string>();
  let current: string | undefined = absFile;
  const display = (f: string) => relative(cwd, f) || f;
  // A problem with an extends: target is reported at the extends: line that names it.
  const atExtends = (message: string): ConfigError => {
    const from = chain[chain.length - 1]!;
    return new ConfigError([{ file: from.file, line: from.locate(['extends']), path: ['extends'], message }]);
  };
  while (current) {
    if (seen.has(current)) throw atExtends(`extends cycle: ${[...chain.map((d) => d.file), display(current)].join(' -> ')}`);
    seen.add(current);
    let doc: ParsedDocument;
    try {
      doc = parseDocumentFile(current, display(current));
    } catch (e) {
      const first = e instanceof ConfigError ? e.diagnostics[0] : undefined;
      if (chain.length > 0 && first && first.line === undefined) throw atExtends(`${display(current)}: ${first.message}`);
      throw e;
    }
    if (doc.data === null || typeof doc.data !== 'object' || Array.isArray(doc.data)) {
      throw new ConfigError([{ file: doc.file, line: 1, path: [], message: 'expected a mapping at the top of the document' }]);
    }
    chain.push(doc);
    const ext = (doc.data as Record<string, unknown>).extends;
    if (ext !== undefined && typeof ext !== 'string') {
      throw new ConfigError([
        { file: doc.file, path: ['extends'], line: doc.locate(['extends']), message: 'expected a relative file path' },
      ]);
    }
    current = ext === undefined ? undefined : resolve(dirname(current), ext);
  }
  return chain;
}

/**
 * An override with one of these keys is a different variant (secret source, TLS mode, Grafana's database type):
 * it replaces, never merges.
 */
const VARIANT_KEYS = ['env', 'file', 'onNode', 'mode', 'type'];

/** Objects merge key by key; arrays, scalars and variant objects in the overriding document replace the base's. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(over) && !VARIANT_KEYS.some((k) => k in over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : v;
    return out;
  }
  return over === undefined ? base : over;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

function hasPath(data: unknown, path: DocumentPath): boolean {
  let cursor: unknown = data;
  for (const seg of path) {
    if (cursor === null || typeof cursor !== 'object' || !(seg in (cursor as object))) return false;
    cursor = (cursor as Record<string | number, unknown>)[seg];
  }
  return true;
}
