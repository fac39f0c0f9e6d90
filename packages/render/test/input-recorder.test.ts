import fs, { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { InputRecorder } from '../src/input-recorder.js';

const PACKAGES = join(__dirname, '../..');
const plain = (data: Buffer | string) => `sha:${Buffer.from(data).length}:${Buffer.from(data).toString('hex').slice(0, 16)}`;

describe('InputRecorder', () => {
  it('records what a run reads through node:fs and its env, and restores node:fs afterwards', () => {
    using dir = tempDir();
    const file = join(dir.path, 'a.txt');
    writeFileSync(file, 'one');
    const original = fs.readFileSync;
    const recorder = new InputRecorder({ HOME: '/home/x' }).start();
    try {
      expect(fs.readFileSync).not.toBe(original);
      readFileSync(file, 'utf8');
      existsSync(join(dir.path, 'missing'));
      statSync(dir.path);
      readdirSync(dir.path);
      void fs.promises.readFile(file);
      expect(recorder.env.HOME).toBe('/home/x');
      expect(recorder.env.UNSET).toBeUndefined();
    } finally {
      recorder.stop();
    }
    expect(fs.readFileSync).toBe(original);
    readFileSync(join(dir.path, 'a.txt')); // not recorded any more
    const inputs = recorder.inputs([], plain);
    expect(Array.isArray(inputs) && inputs.map(([path, kind]) => `${kind} ${path.replace(dir.path, '<dir>')}`)).toEqual([
      'list <dir>',
      'stat <dir>',
      'read <dir>/a.txt',
      'exists <dir>/missing',
    ]);
    expect(Array.isArray(inputs) && inputs.find(([, kind]) => kind === 'read')?.[2]).toBe(plain('one'));
    expect([...recorder.envRead]).toEqual([
      ['HOME', '/home/x'],
      ['UNSET', undefined],
    ]);
    expect(recorder.untrackable).toBeUndefined();
  });

  it('names an input that changed while the run went on; takes what the run wrote itself as it is now', () => {
    using dir = tempDir();
    const input = join(dir.path, 'input.txt');
    const state = join(dir.path, 'state', 'cert.pem');
    writeFileSync(input, 'before');
    const recorder = new InputRecorder({}).start();
    try {
      readFileSync(input);
      existsSync(state);
      mkdirSync(join(dir.path, 'state'));
      writeFileSync(state, 'issued');
    } finally {
      recorder.stop();
    }
    const inputs = recorder.inputs([], plain);
    expect(Array.isArray(inputs) && inputs.find(([path]) => path === state)?.[2]).toBe('yes');
    writeFileSync(input, 'edited meanwhile');
    expect(recorder.inputs([], plain)).toEqual({ changed: `${input} (read)` });
    // Left out: what is under an ignored directory (the output tree).
    expect(recorder.inputs([dir.path], plain)).toEqual([]);
  });

  it('refuses to vouch for a run that read through a descriptor, a stream or the promise API', async () => {
    using dir = tempDir();
    const file = join(dir.path, 'a.txt');
    writeFileSync(file, 'x');
    for (const read of [
      () => fs.closeSync(fs.openSync(file, 'r')),
      () => fs.createReadStream(file).destroy(),
      () => fs.promises.stat(file),
    ]) {
      const recorder = new InputRecorder({}).start();
      try {
        await read();
      } finally {
        recorder.stop();
      }
      expect(recorder.untrackable).toMatch(/^fs\.(openSync|createReadStream|promises\.stat)$/);
    }
  });

  it('sees every read of the packages a render loads: they import only the node:fs calls it wraps', () => {
    // Reads the recorder follows, and writes it notes (what a render writes is taken as it is afterwards).
    const followed = new Set(['readFileSync', 'existsSync', 'statSync', 'lstatSync', 'readdirSync', 'realpathSync', 'Stats', 'Dirent']);
    const written = new Set([
      'writeFileSync',
      'appendFileSync',
      'mkdirSync',
      'mkdtempSync',
      'rmSync',
      'rmdirSync',
      'unlinkSync',
      'renameSync',
      'chmodSync',
      'chownSync',
      'utimesSync',
      'truncateSync',
      'copyFileSync',
      'cpSync',
      'symlinkSync',
      'linkSync',
    ]);
    // deploy and testing never run inside a render; the recorder itself must see the real functions.
    const loaded = readdirSync(PACKAGES).filter((p) => !['deploy', 'testing'].includes(p) && existsSync(join(PACKAGES, p, 'src')));
    const imports: string[] = [];
    for (const pkg of loaded) {
      const src = join(PACKAGES, pkg, 'src');
      for (const name of readdirSync(src, { recursive: true }) as string[]) {
        if (!name.endsWith('.ts') || name.endsWith('input-recorder.ts')) continue;
        const file = join(src, name);
        const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
        for (const statement of source.statements) {
          if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
          const from = statement.moduleSpecifier.text.replace(/^node:/, '');
          if (from !== 'fs' && !from.startsWith('fs/')) continue;
          const where = `${pkg}/src/${name}`;
          const clause = statement.importClause;
          if (from !== 'fs' || clause?.name || !clause?.namedBindings || !ts.isNamedImports(clause.namedBindings)) {
            imports.push(`${where}: import from '${statement.moduleSpecifier.text}' must name the functions it uses`);
            continue;
          }
          for (const element of clause.namedBindings.elements) {
            const imported = (element.propertyName ?? element.name).text;
            if (!followed.has(imported) && !written.has(imported)) imports.push(`${where}: ${imported} is not followed by InputRecorder`);
            imports.push(imported);
          }
        }
      }
    }
    expect(imports.filter((i) => i.includes(': '))).toEqual([]);
    expect(imports).toContain('readFileSync'); // the scan found the renderers' reads
  });
});
