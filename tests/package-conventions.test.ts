import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { type PackageExports, packageExports } from '../tools/exports.js';

// Publishing conventions as a test (awslint style): a new package that does not follow them fails here, with the
// field and the expected value. Why each rule exists: README "Use the packages in your project" and issue #16.

const REPO = join(__dirname, '..');
const SOURCE_CONDITION = '@chatops/source';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  sideEffects?: boolean;
  license?: string;
  type?: string;
  engines?: { node?: string };
  repository?: { type: string; url: string; directory?: string };
  homepage?: string;
  bugs?: { url: string };
  exports?: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
  files?: string[];
  bin?: Record<string, string>;
  publishConfig?: { access?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const root = readJson<Manifest & { engines: { node: string }; repository: { url: string } }>(join(REPO, 'package.json'));
const repoUrl = root.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
const dirs = readdirSync(join(REPO, 'packages')).filter((d) => existsSync(join(REPO, 'packages', d, 'package.json')));
const packages = dirs.map((dir) => ({
  dir,
  path: join(REPO, 'packages', dir),
  pkg: readJson<Manifest>(join(REPO, 'packages', dir, 'package.json')),
}));
const byName = new Map(packages.map((p) => [p.pkg.name, p.pkg]));
// The release version: Changesets moves every @chatops package in one fixed group; the private root package.json
// is not a package and carries no version.
const version = byName.get('@chatops/core')?.version ?? '(no @chatops/core)';
const published = packages.filter((p) => !p.pkg.private);
const LICENSE = readFileSync(join(REPO, 'LICENSE'), 'utf8');

/** Every problem of one package, as `field: message` lines (empty when it conforms). */
function problems({ dir, path, pkg }: (typeof packages)[number]): string[] {
  const out: string[] = [];
  const want = (ok: boolean, message: string) => ok || out.push(message);
  want(pkg.name === `@chatops/${dir}`, `name: expected "@chatops/${dir}"`);
  want(pkg.type === 'module', 'type: expected "module"');
  want(pkg.engines?.node === root.engines.node, `engines.node: expected "${root.engines.node}" (as the root package.json)`);
  want(pkg.license === 'Apache-2.0', 'license: expected "Apache-2.0"');
  want(
    pkg.repository?.type === 'git' && pkg.repository.url === root.repository.url && pkg.repository.directory === `packages/${dir}`,
    `repository: expected { type: "git", url: "${root.repository.url}", directory: "packages/${dir}" }`,
  );
  want(pkg.homepage === `${repoUrl}/tree/main/packages/${dir}#readme`, `homepage: expected "${repoUrl}/tree/main/packages/${dir}#readme"`);
  want(pkg.bugs?.url === `${repoUrl}/issues`, `bugs.url: expected "${repoUrl}/issues"`);

  // Sibling ranges resolve on a registry and move in step (Changesets' fixed group bumps every package at once).
  const allDeps = { ...pkg.dependencies, ...pkg.peerDependencies };
  for (const [name, range] of Object.entries(allDeps)) {
    if (name.startsWith('@chatops/')) {
      const sibling = byName.get(name);
      want(sibling !== undefined, `dependencies.${name}: no such package in packages/`);
      if (sibling) want(range === `^${sibling.version}`, `dependencies.${name}: expected "^${sibling.version}", found "${range}"`);
      if (sibling?.private && !pkg.private) out.push(`dependencies.${name}: a published package cannot depend on a private one`);
    } else {
      // Libraries take caret ranges: an application pins through its lockfile, and one zod patch is shared.
      want(/^\^\d+\.\d+\.\d+$/.test(range), `dependencies.${name}: expected a caret range like "^1.2.3", found "${range}"`);
    }
  }
  want(pkg.version === version, `version: expected "${version}" (every package moves in step with @chatops/core)`);

  // Every package imported by the sources is declared (an undeclared one gets bundled into dist, or breaks).
  for (const name of importedPackages(join(path, 'src'))) {
    if (name !== pkg.name) want(name in allDeps, `dependencies: "${name}" is imported by src/ but not declared`);
  }

  const root0 = pkg.exports?.['.'];
  if (typeof root0 !== 'object' || root0 === null) {
    out.push('exports["."]: expected an object of conditions');
  } else {
    const conditions = Object.keys(root0);
    want(
      conditions[0] === SOURCE_CONDITION,
      `exports["."]: the first condition must be "${SOURCE_CONDITION}" (tsconfig, vitest and tsx resolve sources with it)`,
    );
    want(
      !conditions.includes('source'),
      'exports["."]: no "source" condition (a consumer with customConditions ["source"] would compile our .ts)',
    );
    const source = (root0 as Record<string, unknown>)[SOURCE_CONDITION];
    want(
      typeof source === 'string' && existsSync(join(path, source)),
      `exports["."]["${SOURCE_CONDITION}"]: expected an existing src file`,
    );
  }
  if (pkg.private) {
    want(pkg.publishConfig === undefined, 'publishConfig: a private package is never published');
    return out;
  }

  want(pkg.publishConfig?.access === 'public', 'publishConfig.access: expected "public" (a scoped first publish is private by default)');
  // Modules only build values (schemas, tables, functions); the CLIs run through bin/, never through an import.
  want(pkg.sideEffects === false, 'sideEffects: expected false (bundlers may drop unused modules; nothing runs on import)');
  const exp = root0 as Record<string, Record<string, string>> | undefined;
  want(
    exp?.import?.types === './dist/index.d.ts' && exp?.import?.default === './dist/index.js',
    'exports["."].import: expected { types: "./dist/index.d.ts", default: "./dist/index.js" }',
  );
  want(
    exp?.require?.types === './dist/index.d.cts' && exp?.require?.default === './dist/index.cjs',
    'exports["."].require: expected { types: "./dist/index.d.cts", default: "./dist/index.cjs" }',
  );
  want(pkg.exports?.['./package.json'] === './package.json', 'exports["./package.json"]: expected "./package.json"');
  // A JavaScript subpath (`@chatops/render/testing`) needs typesVersions too: node10 resolution ignores exports.
  for (const sub of Object.keys(pkg.exports ?? {}).filter((k) => k !== '.' && !k.endsWith('.json'))) {
    const name = sub.replace(/^\.\//, '');
    const types = pkg.typesVersions?.['*']?.[name];
    want(
      types?.length === 1 && types[0] === `./dist/${name}.d.ts`,
      `typesVersions["*"]["${name}"]: expected ["./dist/${name}.d.ts"] (types for moduleResolution node10)`,
    );
  }
  const files = pkg.files ?? [];
  for (const f of ['dist', 'src', 'README.md', 'LICENSE']) want(files.includes(f), `files: expected to include "${f}"`);
  for (const f of files.filter((f) => f !== 'dist')) want(existsSync(join(path, f)), `files: "${f}" does not exist`);
  want(
    existsSync(join(path, 'LICENSE')) && readFileSync(join(path, 'LICENSE'), 'utf8') === LICENSE,
    'LICENSE: expected a copy of the root LICENSE (npm packs the package directory only)',
  );
  for (const [name, target] of Object.entries(pkg.bin ?? {})) {
    want(
      files.some((f) => target.replace(/^\.\//, '').startsWith(`${f}/`) || target.replace(/^\.\//, '') === f),
      `bin.${name}: "${target}" is not in files`,
    );
  }
  // JSON Schemas beside package.json are shipped, exported as subpaths and carry a stable $id.
  for (const schema of readdirSync(path).filter((f) => f.endsWith('.schema.json'))) {
    want(files.includes(schema), `files: expected to include "${schema}"`);
    want(pkg.exports?.[`./${schema}`] === `./${schema}`, `exports["./${schema}"]: expected "./${schema}"`);
    const $id = readJson<{ $id?: string }>(join(path, schema)).$id;
    want(typeof $id === 'string' && /^https:\/\//.test($id), `${schema}: expected a stable https "$id"`);
  }
  return out;
}

function importedPackages(dir: string): Set<string> {
  const names = new Set<string>();
  const builtins = new Set(builtinModules);
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts') || entry.endsWith('.test.ts')) continue;
    const text = readFileSync(join(dir, entry), 'utf8');
    // TypeScript's own scanner: import/export declarations and dynamic imports, never strings in prose.
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
      if (spec.startsWith('.')) continue;
      if (spec.startsWith('node:') || builtins.has(spec)) continue;
      const parts = spec.split('/');
      names.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string));
    }
  }
  return names;
}

describe('package conventions', () => {
  it('finds the packages to check', () => {
    expect(published.length).toBeGreaterThan(10);
  });

  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s follows them', (_name, p) => {
    expect(problems(p)).toEqual([]);
  });

  it('a package that breaks them is reported field by field', () => {
    const core = packages.find((p) => p.dir === 'core');
    if (!core) throw new Error('no packages/core');
    const { publishConfig: _, ...broken } = core.pkg;
    const found = problems({
      ...core,
      pkg: {
        ...broken,
        dependencies: { ...core.pkg.dependencies, '@chatops/environment': '*', zod: '4.6.7' },
        exports: { '.': { source: './src/index.ts' } },
        files: ['dist'],
      },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        `dependencies.@chatops/environment: expected "^${version}", found "*"`,
        'dependencies.zod: expected a caret range like "^1.2.3", found "4.6.7"',
        'exports["."]: no "source" condition (a consumer with customConditions ["source"] would compile our .ts)',
        'publishConfig.access: expected "public" (a scoped first publish is private by default)',
        'files: expected to include "LICENSE"',
      ]),
    );
  });

  it('the root package.json is private and unversioned (Changesets never bumps it)', () => {
    expect(root.private).toBe(true);
    expect(root.version).toBeUndefined();
  });

  const examples = readdirSync(join(REPO, 'examples')).filter((d) => existsSync(join(REPO, 'examples', d, 'package.json')));
  it.each(examples)('examples/%s depends on the current version (npm run version-packages keeps it so)', (dir) => {
    const example = readJson<Manifest>(join(REPO, 'examples', dir, 'package.json'));
    const chatops = Object.entries({ ...example.dependencies, ...example.devDependencies }).filter(([name]) =>
      name.startsWith('@chatops/'),
    );
    expect(chatops.length).toBeGreaterThan(0);
    for (const [name, range] of chatops) expect([name, range]).toEqual([name, `^${version}`]);
  });

  it('the root LICENSE is the Apache License 2.0', () => {
    expect(LICENSE).toMatch(/^\s+Apache License\n\s+Version 2\.0, January 2004\n/);
    expect(LICENSE).toContain('END OF TERMS AND CONDITIONS');
  });
});

// Naming convention (CONTRIBUTING "Names"), checked over every published package's curated src/index.ts.
const BARE_VERBS = new Set(['parse', 'print', 'validate', 'check', 'render', 'format']);
const RENDER_INPUTS = /^(NodeSpec|RenderContext|Environment|string)$/;
const PROBLEMS = /^(readonly )?(Diagnostic|string)\[\]$|^string \| undefined$|^Diagnostic\[\]$/;

/** Every runtime name a package's src/index.ts exports, with the function it names when it is one. */
function indexExports(srcDir: string): { name: string; from: string; fn?: ts.FunctionDeclaration; file?: ts.SourceFile }[] {
  const index = join(srcDir, 'index.ts');
  const sf = ts.createSourceFile(index, readFileSync(index, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { name: string; from: string; fn?: ts.FunctionDeclaration; file?: ts.SourceFile }[] = [];
  for (const st of sf.statements) {
    if (!ts.isExportDeclaration(st) || st.isTypeOnly) continue;
    const from = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : '';
    if (!st.exportClause) {
      out.push({ name: '*', from });
      continue;
    }
    if (!ts.isNamedExports(st.exportClause)) continue;
    const path = from.startsWith('.') ? join(srcDir, from.replace(/\.js$/, '.ts')) : undefined;
    const file = path && existsSync(path) ? ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true) : undefined;
    for (const e of st.exportClause.elements) {
      if (e.isTypeOnly) continue;
      const local = (e.propertyName ?? e.name).text;
      const fn = file?.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === local);
      out.push({ name: e.name.text, from, ...(fn && file ? { fn, file } : {}) });
    }
  }
  return out;
}

/** The convention's violations in one package's exports, one line each (empty when it conforms). */
function namingProblems(srcDir: string): string[] {
  const out: string[] = [];
  const exports = indexExports(srcDir);
  const names = new Set(exports.map((e) => e.name));
  for (const { name, from, fn, file } of exports) {
    if (name === '*') {
      out.push(`export * from '${from}': src/index.ts lists its names`);
      continue;
    }
    if (from.startsWith('@chatops/')) out.push(`${name}: re-exported from ${from}; import it from there (one place per name)`);
    if (BARE_VERBS.has(name)) out.push(`${name}: a bare verb; say what it works on (parseX, printX, ...)`);
    if (/renderer/i.test(name)) {
      const factory = /^create([A-Z]\w*)Renderer$/.exec(name);
      if (factory) {
        const value = `${factory[1]![0]!.toLowerCase()}${factory[1]!.slice(1)}Renderer`;
        if (!names.has(value)) out.push(`${name}: a renderer factory without its default ${value} = ${name}()`);
      } else if (!/^[a-z]\w*Renderer$/.test(name) && !/^[A-Z_]*RENDERERS$/.test(name)) {
        out.push(`${name}: a renderer is xRenderer (a value), its factory createXRenderer(props), a list X_RENDERERS`);
      }
    }
    if (!fn || !file) continue;
    const first = fn.parameters[0]?.type?.getText(file);
    const returns = fn.type?.getText(file);
    if (/^parse[A-Z]/.test(name) && first !== 'string')
      out.push(`${name}: parse is text -> model, its first parameter a string (found ${first})`);
    if (/^print[A-Z]/.test(name) && returns !== 'string')
      out.push(`${name}: print is model -> text, it returns a string (found ${returns})`);
    if (/^check[A-Z]/.test(name) && !(returns && PROBLEMS.test(returns)))
      out.push(`${name}: check is model -> problems, it returns Diagnostic[] (found ${returns})`);
    if (/^validate[A-Z]/.test(name) && (!returns || /Diagnostic|string/.test(returns)))
      out.push(`${name}: validate is input -> typed model (throwing ConfigError), it returns the model (found ${returns})`);
    if (/^validate[A-Z]/.test(name) && first === 'string')
      out.push(`${name}: validate takes untrusted input (unknown or an XInput type), not text; text -> model is parseX`);
    if (/^render[A-Z]/.test(name) && !(first && RENDER_INPUTS.test(first)))
      out.push(`${name}: render is environment -> artifacts, it takes a NodeSpec, RenderContext or Environment (found ${first})`);
  }
  return out;
}

describe('naming convention (CONTRIBUTING "Names")', () => {
  it.each(published.map((p) => [p.pkg.name, p] as const))('%s exports follow it', (_name, p) => {
    expect(namingProblems(join(p.path, 'src'))).toEqual([]);
  });

  it('names each kind of violation', () => {
    const dir = join(REPO, 'tests/fixtures/naming');
    expect(namingProblems(dir)).toEqual([
      'THING_RENDERER: a renderer is xRenderer (a value), its factory createXRenderer(props), a list X_RENDERERS',
      'checkThing: check is model -> problems, it returns Diagnostic[] (found Thing)',
      'createOtherRenderer: a renderer factory without its default otherRenderer = createOtherRenderer()',
      'parse: a bare verb; say what it works on (parseX, printX, ...)',
      'parseThing: parse is text -> model, its first parameter a string (found Thing)',
      'printThing: print is model -> text, it returns a string (found Thing)',
      'renderThing: render is environment -> artifacts, it takes a NodeSpec, RenderContext or Environment (found Thing)',
      'validateText: validate takes untrusted input (unknown or an XInput type), not text; text -> model is parseX',
      'validateThing: validate is input -> typed model (throwing ConfigError), it returns the model (found Diagnostic[])',
      'parseEnvFile: re-exported from @chatops/core; import it from there (one place per name)',
      "export * from './thing.js': src/index.ts lists its names",
    ]);
  });
});

// Every exported value is named in its package README (in backticks), and every exported type is named there or
// reached from an exported value's signature (the published d.ts names it anyway). `npx tsx tools/exports.ts <dir>`
// lists each export with where it is used outside its package.
/** One line per export its README does not account for, saying what to do. */
function documentationProblems({ dir, name, exports }: PackageExports): string[] {
  const readme = `packages/${dir}/README.md`;
  const fix = `name it in backticks in ${readme} ("API": one line saying what it does) or stop exporting it from packages/${dir}/src/index.ts (its module keeps the export; the package's tests import ../src/<module>.js)`;
  return exports
    .filter((e) => !e.documented && (e.value || !e.inSignature))
    .map((e) =>
      e.value
        ? `${name}: the value ${e.name} is exported but not named in ${readme}: ${fix}`
        : `${name}: the type ${e.name} is neither named in ${readme} nor part of an exported value's signature: ${fix}`,
    );
}

describe('exports are documented', () => {
  const all = packageExports();
  it('reads every published package', () => {
    expect(all.map((p) => p.dir)).toEqual(published.map((p) => p.dir).sort());
  });

  it.each(all.map((p) => [p.name, p] as const))('%s names every export in its README', (_name, p) => {
    expect(documentationProblems(p)).toEqual([]);
  });

  it('names the package, the export and what to do', () => {
    const found = documentationProblems({
      dir: 'thing',
      name: '@chatops/thing',
      exports: [
        { name: 'thingRenderer', value: true, documented: true, inSignature: false },
        { name: 'helper', value: true, documented: false, inSignature: false },
        { name: 'ThingProps', value: false, documented: false, inSignature: true },
        { name: 'Internal', value: false, documented: false, inSignature: false },
      ],
    });
    expect(found).toEqual([
      expect.stringMatching(
        /^@chatops\/thing: the value helper is exported but not named in packages\/thing\/README.md: name it in backticks .* or stop exporting it from packages\/thing\/src\/index.ts/,
      ),
      expect.stringMatching(
        /^@chatops\/thing: the type Internal is neither named in packages\/thing\/README.md nor part of an exported value's signature: /,
      ),
    ]);
  });
});
