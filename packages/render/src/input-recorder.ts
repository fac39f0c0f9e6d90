import { createHash } from 'node:crypto';
import fs, { type Stats } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How a path was looked at. Each kind observes what that call can see, so a record compares exactly what the
 * render could have depended on: `read` the bytes, `stat` the metadata, `list` the entries, `exists` existence.
 */
export type ReadKind = 'exists' | 'stat' | 'lstat' | 'list' | 'tree' | 'read' | 'realpath';

/** One input as the render saw it: the path, how it was looked at, and what was seen (see `observe`). */
export type InputEntry = readonly [path: string, kind: ReadKind, state: string];

/** Turns bytes into a comparable digest (keyed: a record must not let anyone guess a secret file's content). */
export type Digest = (data: Buffer | string) => string;

// The real functions, taken before any recorder wraps them.
const real = {
  existsSync: fs.existsSync,
  statSync: fs.statSync,
  lstatSync: fs.lstatSync,
  readdirSync: fs.readdirSync,
  readFileSync: fs.readFileSync,
  realpathSync: fs.realpathSync,
};

/** What `kind` sees at `path` now, as a string equal for equal observations. */
export function observe(path: string, kind: ReadKind, digest: Digest): string {
  try {
    switch (kind) {
      case 'exists':
        return real.existsSync(path) ? 'yes' : 'no';
      case 'stat':
        return statState(real.statSync(path));
      case 'lstat':
        return statState(real.lstatSync(path));
      case 'list':
      case 'tree':
        return JSON.stringify(
          real
            .readdirSync(path, { withFileTypes: true, recursive: kind === 'tree' })
            .map((e) => `${e.isDirectory() ? 'd' : e.isFile() ? 'f' : 'o'}:${relative(path, join(e.parentPath, e.name))}`)
            .sort(),
        );
      case 'read':
        return digest(real.readFileSync(path));
      case 'realpath':
        return real.realpathSync(path);
    }
  } catch (e) {
    return `error:${(e as NodeJS.ErrnoException).code ?? 'unknown'}`;
  }
}

function statState(st: Stats | undefined): string {
  if (!st) return 'error:ENOENT';
  const type = st.isFile() ? 'f' : st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : 'o';
  return JSON.stringify([type, st.mode, st.size, st.mtimeMs, st.ctimeMs, st.ino, st.dev, st.uid, st.gid]);
}

// Calls that write, and which of their arguments name what they write: their targets are the render's own writes
// (the PKI state, scratch copies, the output). mkdtempSync's is the directory it returns.
const WRITES: Readonly<Record<string, readonly (number | 'result')[]>> = {
  writeFileSync: [0],
  appendFileSync: [0],
  mkdirSync: [0],
  rmSync: [0],
  rmdirSync: [0],
  unlinkSync: [0],
  chmodSync: [0],
  chownSync: [0],
  utimesSync: [0],
  truncateSync: [0],
  renameSync: [0, 1],
  copyFileSync: [1],
  cpSync: [1],
  symlinkSync: [1],
  linkSync: [1],
  mkdtempSync: ['result'],
};
// Calls the recorder cannot follow (a descriptor or a stream hides which bytes were read): a render that makes one
// is not recorded. The render's packages use none of them (a test checks their imports).
const UNTRACKABLE = [
  'accessSync',
  'openSync',
  'readSync',
  'createReadStream',
  'createWriteStream',
  'watch',
  'watchFile',
  'opendirSync',
] as const;

/**
 * Records every file, directory and environment variable a render reads, through `node:fs` and the `env` it is
 * given, while it runs. Wraps the synchronous `node:fs` functions for the whole process (and the live ES module
 * bindings, with `syncBuiltinESMExports`) until `stop()`.
 */
export class InputRecorder {
  /** The environment to give the render: reads of it are recorded. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly #seen = new Map<string, string>();
  readonly #written = new Set<string>();
  #writtenAbove: Set<string> | undefined;
  readonly #envRead = new Map<string, string | undefined>();
  #envListed = false;
  #untrackable: string | undefined;
  readonly #digest: Digest;
  readonly #restore: Array<() => void> = [];

  constructor(env: Readonly<Record<string, string | undefined>>) {
    this.#digest = (data) => createHash('sha256').update(data).digest('base64url');
    const self = this;
    this.env = new Proxy(env, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (typeof key === 'string') self.#envRead.set(key, value as string | undefined);
        return value;
      },
      has(target, key) {
        if (typeof key === 'string') self.#envRead.set(key, Reflect.get(target, key) as string | undefined);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        self.#envListed = true;
        return Reflect.ownKeys(target);
      },
    });
  }

  /** Starts recording (wraps `node:fs`). */
  start(): this {
    // Node's own fs functions call each other through the module object (writeFileSync calls openSync): only the
    // outermost call is the render's.
    let depth = 0;
    const wrap = (name: string, around: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown) => {
      const target = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
      const original = target[name];
      if (typeof original !== 'function') return;
      const recorded = around(original);
      target[name] = function (this: unknown, ...args: unknown[]) {
        if (depth > 0) return original.apply(this, args);
        depth++;
        try {
          return recorded.apply(this, args);
        } finally {
          depth--;
        }
      };
      this.#restore.push(() => {
        target[name] = original;
      });
    };
    const this_ = this;
    const reading =
      (kind: ReadKind | ((args: unknown[]) => ReadKind), state: (result: unknown, args: unknown[]) => string) =>
      (original: (...a: unknown[]) => unknown) =>
        function (this: unknown, ...args: unknown[]) {
          const path = pathOf(args[0]);
          const as = typeof kind === 'function' ? kind(args) : kind;
          try {
            const result = original.apply(this, args);
            if (path === undefined) this_.#taint(`a ${as} of a file descriptor`);
            else this_.#see(path, as, () => state(result, args));
            return result;
          } catch (e) {
            if (path !== undefined) this_.#see(path, as, () => `error:${(e as NodeJS.ErrnoException).code ?? 'unknown'}`);
            throw e;
          }
        };
    wrap(
      'existsSync',
      reading('exists', (r) => (r ? 'yes' : 'no')),
    );
    wrap(
      'statSync',
      reading('stat', (r) => statState(r as Stats | undefined)),
    );
    wrap(
      'lstatSync',
      reading('lstat', (r) => statState(r as Stats | undefined)),
    );
    // What a listing returned is observed again from the real file system (same call, same instant).
    const listing = (args: unknown[]): ReadKind => ((args[1] as { recursive?: boolean } | undefined)?.recursive ? 'tree' : 'list');
    wrap(
      'readdirSync',
      reading(listing, (_r, args) => observe(pathOf(args[0]) ?? '', listing(args), this.#digest)),
    );
    wrap(
      'readFileSync',
      reading('read', (r, args) => {
        if (Buffer.isBuffer(r)) return this.#digest(r);
        const encoding = typeof args[1] === 'string' ? args[1] : (args[1] as { encoding?: string } | undefined)?.encoding;
        return this.#digest(Buffer.from(r as string, (encoding ?? 'utf8') as BufferEncoding));
      }),
    );
    wrap(
      'realpathSync',
      reading('realpath', (r) => String(r)),
    );
    for (const [name, targets] of Object.entries(WRITES))
      wrap(
        name,
        (original) =>
          function (this: unknown, ...args: unknown[]) {
            const result = original.apply(this, args);
            for (const t of targets) this_.#write(t === 'result' ? result : args[t]);
            return result;
          },
      );
    for (const name of UNTRACKABLE)
      wrap(
        name,
        (original) =>
          function (this: unknown, ...args: unknown[]) {
            this_.#taint(`fs.${name}`);
            return original.apply(this, args);
          },
      );
    // The asynchronous API could read behind the recorder's back: only a whole-file read by path is followed (the
    // report's Graphviz loads its WebAssembly so), observed when it starts; any other use leaves the run unrecorded.
    const promises = fs.promises as unknown as Record<string, unknown>;
    for (const name of Object.keys(promises)) {
      const original = promises[name];
      if (typeof original !== 'function') continue;
      promises[name] = function (this: unknown, ...args: unknown[]) {
        const path = name === 'readFile' ? pathOf(args[0]) : undefined;
        if (path === undefined) this_.#taint(`fs.promises.${name}`);
        else if (depth === 0) {
          depth++;
          try {
            this_.#see(path, 'read', () => observe(path, 'read', this_.#digest));
          } finally {
            depth--;
          }
        }
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      };
      this.#restore.push(() => {
        promises[name] = original;
      });
    }
    syncBuiltinESMExports();
    return this;
  }

  /** Stops recording: `node:fs` is as it was. */
  stop(): void {
    for (const restore of this.#restore.splice(0).reverse()) restore();
    syncBuiltinESMExports();
  }

  /** Why this run cannot be recorded (a read the recorder could not follow), if so. */
  get untrackable(): string | undefined {
    return this.#untrackable;
  }

  /** Whether the render enumerated the whole environment (then every variable is an input). */
  get envListed(): boolean {
    return this.#envListed;
  }

  /** Environment variables read, with the value seen (undefined: not set). */
  get envRead(): ReadonlyMap<string, string | undefined> {
    return this.#envRead;
  }

  /**
   * Every input with its state now, observed with `digest`, or the first that changed while the render ran (the
   * output may then not match it). Paths the render itself wrote (PKI state, scratch copies) are taken as they are
   * now; paths under `ignore` (the output tree, the cache) are left out.
   */
  inputs(ignore: readonly string[], digest: Digest): InputEntry[] | { changed: string } {
    const under = (path: string, dirs: Iterable<string>) => {
      for (const d of dirs) if (path === d || path.startsWith(d.endsWith(sep) ? d : d + sep)) return true;
      return false;
    };
    const entries: InputEntry[] = [];
    for (const [id, seen] of this.#seen) {
      const [kind, path] = splitId(id);
      if (under(path, ignore)) continue;
      // One read gives both the digest to compare with what the render saw and the one to keep.
      const both = observe(path, kind, (data) => `${this.#digest(data)} ${digest(data)}`);
      const [now, kept] = kind === 'read' && !both.startsWith('error:') ? both.split(' ') : [both, both];
      if (now !== seen && !this.#wroteAt(path)) return { changed: `${path} (${kind})` };
      entries.push([path, kind, kept ?? both]);
    }
    return entries.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  }

  /**
   * Whether the render's own writes changed what a look at `path` sees: the path, anything under it, or (a directory
   * holding something written, whose times and listing change with it) anything above.
   */
  #wroteAt(path: string): boolean {
    if (!this.#writtenAbove) {
      // Every directory above a written path, once: thousands of inputs are checked against thousands of writes.
      this.#writtenAbove = new Set();
      for (const w of this.#written)
        for (let d = dirname(w); !this.#writtenAbove.has(d) && d !== dirname(d); d = dirname(d)) this.#writtenAbove.add(d);
    }
    if (this.#writtenAbove.has(path)) return true;
    for (let p = path; ; p = dirname(p)) {
      if (this.#written.has(p)) return true;
      if (p === dirname(p)) return false;
    }
  }

  #see(path: string, kind: ReadKind, state: () => string): void {
    const id = `${kind}\0${path}`;
    if (!this.#seen.has(id)) this.#seen.set(id, state());
  }

  #write(target: unknown): void {
    const path = pathOf(target);
    if (path === undefined) this.#taint('a write to a file descriptor');
    else {
      this.#written.add(path);
      this.#writtenAbove = undefined;
    }
  }

  #taint(why: string): void {
    this.#untrackable ??= why;
  }
}

function splitId(id: string): [ReadKind, string] {
  const at = id.indexOf('\0');
  return [id.slice(0, at) as ReadKind, id.slice(at + 1)];
}

/** The absolute path a `node:fs` call names, or undefined for a file descriptor. */
function pathOf(p: unknown): string | undefined {
  if (typeof p === 'string') return resolve(p);
  if (p instanceof URL) return resolve(fileURLToPath(p));
  if (Buffer.isBuffer(p)) return resolve(p.toString());
  return undefined;
}
