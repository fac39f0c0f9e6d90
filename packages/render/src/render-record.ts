import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCacheDir } from './cache-dir.js';
import { type Digest, type InputEntry, type InputRecorder, observe } from './input-recorder.js';

/**
 * What one successful render read and wrote, so that running the same command again with nothing changed can print
 * what it would print without rendering: `replay` checks every input the render read (through `node:fs` and the
 * environment variables), the code that rendered, the clock against the certificates' renewal windows, and the
 * output tree, and answers only when all of them are as they were.
 */
interface RecordData {
  readonly format: typeof FORMAT;
  readonly cwd: string;
  readonly argv: readonly string[];
  /** The clock the render decided certificates with; the record holds from then until `reusableUntil`. */
  readonly renderedAt: string;
  readonly reusableUntil: string;
  /** Where the digest key lives (the PKI state directory, next to the CA key). */
  readonly pkiDir: string;
  readonly code: string;
  readonly node: string;
  readonly env: readonly (readonly [name: string, state: string])[];
  readonly inputs: readonly InputEntry[];
  readonly output: { readonly dir: string; readonly tree: string };
  readonly stdout: string;
  readonly stderr: string;
}

const FORMAT = 1;
const KEY_FILE = 'render-record.key';
/** The flag that asks for a full render; it never replays and records for the command without it. */
export const FULL_FLAG = '--full';

/** What a render reports when it has written its output (the CLI calls this once per successful render). */
export interface RenderedOutput {
  /** `out/<env>`. */
  readonly outputDir: string;
  readonly pkiDir: string;
  readonly renderedAt: Date;
  readonly reusableUntil: Date;
  /** What the same command prints when run again with nothing changed. */
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Writes a file all at once (core's `writeFileAtomic`, passed in by the caller: this module loads nothing but
 * Node's own modules, so that a replay starts fast).
 */
export type WriteFile = (path: string, content: string, mode: number) => void;

export interface Replayed {
  readonly stdout: string;
  readonly stderr: string;
}

/** The records of one working tree, under the nearest `node_modules/.cache/chatops-render/renders/`. */
export class RenderRecords {
  private constructor(readonly dir: string) {}

  /** The store for `cwd`, or undefined when no `node_modules` is above it (nothing is recorded then). */
  static open(cwd: string): RenderRecords | undefined {
    const dir = renderCacheDir(cwd);
    return dir ? new RenderRecords(join(dir, 'renders')) : undefined;
  }

  /**
   * What the command printed last time, if every input, the code, the clock and the output allow it; else why not
   * (a string: `CHATOPS_DEBUG` prints it).
   */
  replay(argv: readonly string[], cwd: string, env: Readonly<Record<string, string | undefined>>, now: Date): Replayed | string {
    if (argv.includes(FULL_FLAG)) return `${FULL_FLAG} given`;
    const record = this.#read(argv, cwd);
    if (!record) return 'no record of this command';
    if (now < new Date(record.renderedAt)) return 'the clock is before the recorded render';
    if (now >= new Date(record.reusableUntil)) return `a certificate decision is due (${record.reusableUntil})`;
    const digest = digestWith(readKey(record.pkiDir));
    if (!digest) return `no digest key in ${record.pkiDir}`;
    if (record.node !== process.version) return `Node.js changed (${record.node} -> ${process.version})`;
    if (record.code !== codeIdentity(digest)) return 'the @chatops packages or their dependencies changed';
    for (const [name, state] of record.env) if (envState(name, env, digest) !== state) return `environment variable ${name} changed`;
    for (const [path, kind, state] of record.inputs) if (observe(path, kind, digest) !== state) return `${path} changed (${kind})`;
    if (treeState(record.output.dir, digest) !== record.output.tree) return `${record.output.dir} changed`;
    return { stdout: record.stdout, stderr: record.stderr };
  }

  /** Drops the command's record: done before each full render, so a failed or interrupted one leaves none. */
  forget(argv: readonly string[], cwd: string): void {
    rmSync(this.#file(argv, cwd), { force: true });
  }

  /**
   * Records a successful render. Returns why it did not, if it did not: an input changed while the render ran, or
   * the render read in a way the recorder cannot follow.
   */
  save(argv: readonly string[], cwd: string, recorder: InputRecorder, rendered: RenderedOutput, write: WriteFile): string | undefined {
    if (recorder.untrackable) return `the render used ${recorder.untrackable}`;
    const key = ensureKey(rendered.pkiDir, write);
    const digest = digestWith(key);
    if (!digest) return 'no digest key';
    const inputs = recorder.inputs([rendered.outputDir, dirname(this.dir)], digest);
    if (!Array.isArray(inputs)) return `${inputs.changed} changed while the render ran`;
    const env = [...recorder.envRead.keys()];
    if (!env.includes('PATH')) env.push('PATH'); // the checkers are found on it
    if (recorder.envListed) env.push(ENV_KEYS);
    const record: RecordData = {
      format: FORMAT,
      cwd: resolve(cwd),
      argv: keyArgv(argv),
      renderedAt: rendered.renderedAt.toISOString(),
      reusableUntil: rendered.reusableUntil.toISOString(),
      pkiDir: rendered.pkiDir,
      code: codeIdentity(digest),
      node: process.version,
      env: env.sort().map((name) => [name, envState(name, recorder.env, digest)] as const),
      inputs,
      output: { dir: rendered.outputDir, tree: treeState(rendered.outputDir, digest) },
      stdout: rendered.stdout,
      stderr: rendered.stderr,
    };
    const file = this.#file(argv, cwd);
    mkdirSync(dirname(file), { recursive: true });
    write(file, JSON.stringify(record), 0o600);
    return undefined;
  }

  #file(argv: readonly string[], cwd: string): string {
    const id = createHash('sha256')
      .update(JSON.stringify([resolve(cwd), keyArgv(argv)]))
      .digest('hex');
    return join(this.dir, `${id.slice(0, 32)}.json`);
  }

  #read(argv: readonly string[], cwd: string): RecordData | undefined {
    try {
      const record = JSON.parse(readFileSync(this.#file(argv, cwd), 'utf8')) as RecordData;
      const same = record.format === FORMAT && record.cwd === resolve(cwd) && JSON.stringify(record.argv) === JSON.stringify(keyArgv(argv));
      return same ? record : undefined;
    } catch {
      return undefined;
    }
  }
}

/** `--full` renders the command without it: its record is the plain command's. */
function keyArgv(argv: readonly string[]): string[] {
  return argv.filter((a) => a !== FULL_FLAG);
}

const ENV_KEYS = '\0names';

function envState(name: string, env: Readonly<Record<string, string | undefined>>, digest: Digest): string {
  if (name === ENV_KEYS) return digest(JSON.stringify(Object.keys(env).sort()));
  const value = name === 'PATH' && !(name in env) ? process.env.PATH : env[name];
  return value === undefined ? 'unset' : digest(value);
}

/** A random key next to the CA key: digests in a record reveal nothing about the files (secrets among them). */
function ensureKey(pkiDir: string, write: WriteFile): Buffer | undefined {
  const existing = readKey(pkiDir);
  if (existing) return existing;
  try {
    mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
    write(join(pkiDir, KEY_FILE), randomBytes(32).toString('hex'), 0o600);
    return readKey(pkiDir);
  } catch {
    return undefined;
  }
}

function readKey(pkiDir: string): Buffer | undefined {
  try {
    const hex = readFileSync(join(pkiDir, KEY_FILE), 'utf8');
    return /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
  } catch {
    return undefined;
  }
}

function digestWith(key: Buffer | undefined): Digest | undefined {
  return key ? (data) => createHmac('sha256', key).update(data).digest('base64url') : undefined;
}

/** Every file and directory under `dir`: type, mode, times, inode and content digest (a touch counts as a change). */
function treeState(dir: string, digest: Digest): string {
  try {
    const rows = readdirSync(dir, { withFileTypes: true, recursive: true }).map((e) => {
      const path = join(e.parentPath, e.name);
      const rel = relative(dir, path);
      if (!e.isFile()) return `${e.isDirectory() ? 'd' : 'o'} ${rel}`;
      const st = statSync(path);
      return `f ${rel} ${st.mode} ${st.size} ${st.mtimeMs} ${st.ctimeMs} ${st.ino} ${digest(readFileSync(path))}`;
    });
    return digest(rows.sort().join('\n'));
  } catch {
    return 'unreadable';
  }
}

/**
 * The code that renders: every file of the `@chatops` packages beside this one (name, size, mtime), their
 * package.json files, and the versions of the packages they depend on.
 */
function codeIdentity(digest: Digest): string {
  const own = packageDir(dirname(fileURLToPath(import.meta.url)));
  const rows: string[] = [];
  for (const pkg of chatopsPackages(own)) {
    rows.push(`package ${pkg} ${digest(readFileSync(join(pkg, 'package.json')))}`);
    for (const sub of ['dist', 'src']) {
      const dir = join(pkg, sub);
      if (!existsSync(dir)) continue;
      for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
        if (!e.isFile()) continue;
        const st = statSync(join(e.parentPath, e.name));
        rows.push(`file ${relative(pkg, join(e.parentPath, e.name))} ${st.size} ${st.mtimeMs}`);
      }
    }
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies ?? {}).sort()) {
      if (dep.startsWith('@chatops/')) continue;
      rows.push(`dependency ${dep} ${dependencyVersion(pkg, dep)}`);
    }
  }
  return digest(rows.sort().join('\n'));
}

function packageDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** This package and its `@chatops` siblings as Node resolves them (a workspace's links, or an install's scope). */
function chatopsPackages(own: string): string[] {
  const found = new Set([realpathSync(own)]);
  for (let dir = own; ; dir = dirname(dir)) {
    const scope = basename(dir) === '@chatops' ? dir : join(dir, 'node_modules', '@chatops');
    if (existsSync(scope) && statSync(scope).isDirectory()) {
      for (const name of readdirSync(scope)) found.add(realpathSync(join(scope, name)));
      break;
    }
    if (dirname(dir) === dir) break;
  }
  return [...found].sort();
}

/** The installed version of `name` as Node would resolve it from `pkg`. */
function dependencyVersion(pkg: string, name: string): string {
  for (let dir = pkg; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) {
      const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
      return `${realpathSync(dirname(file))}@${version ?? '?'}`;
    }
    if (dirname(dir) === dir) return 'missing';
  }
}
