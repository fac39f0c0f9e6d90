// What each package's src/index.ts exports, which of it the package README names, which types the exported values'
// signatures reach, and (CLI) where each name is used outside its package. tests/package-conventions.test.ts holds
// the README rule with it; `npx tsx tools/exports.ts [package...]` prints the table used to trim the indexes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export interface IndexExport {
  name: string;
  /** A runtime value (function, constant, class); otherwise a type or interface only. */
  value: boolean;
  /** Named in the package README in backticks (`name`, `name(...)`, `name.field`, `name<...>`). */
  documented: boolean;
  /** A type the signatures of the package's exported values reach (the published d.ts needs its name). */
  inSignature: boolean;
}

export interface PackageExports {
  dir: string;
  name: string;
  exports: IndexExport[];
}

const REPO = join(import.meta.dirname, '..');

/** The identifiers in a Markdown text's code: backticked spans and fenced blocks. */
export function readmeNames(markdown: string): Set<string> {
  const names = new Set<string>();
  // Fenced examples count: a name the README's code uses is documented by the example.
  const fences = [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1] as string);
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '');
  for (const [, span] of [...prose.matchAll(/`([^`]+)`/g), ...fences.map((f) => ['', f])]) {
    // `validateX(input)`, `X.field`, `Foo<T>`, `new Foo()`, `import { a, b } from ...`: every identifier in the span.
    for (const [id] of (span as string).matchAll(/[A-Za-z_$][\w$]*/g)) names.add(id);
  }
  return names;
}

/** The published packages (not private), each with its index exports classified. One program for all of them. */
export function packageExports(repo = REPO): PackageExports[] {
  const dirs = readdirSync(join(repo, 'packages')).filter((d) => {
    const manifest = join(repo, 'packages', d, 'package.json');
    return (
      existsSync(manifest) && existsSync(join(repo, 'packages', d, 'src/index.ts')) && !JSON.parse(readFileSync(manifest, 'utf8')).private
    );
  });
  const config = ts.getParsedCommandLineOfConfigFile(
    join(repo, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json: not readable');
  const roots = dirs.map((d) => join(repo, 'packages', d, 'src/index.ts'));
  const program = ts.createProgram(roots, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();

  return dirs.map((dir) => {
    const srcDir = join(repo, 'packages', dir, 'src') + sep;
    const index = program.getSourceFile(join(srcDir, 'index.ts'));
    const moduleSymbol = index && checker.getSymbolAtLocation(index);
    if (!moduleSymbol) throw new Error(`packages/${dir}/src/index.ts: no module`);
    const readmePath = join(repo, 'packages', dir, 'README.md');
    const documented = readmeNames(existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '');
    const symbols = checker.getExportsOfModule(moduleSymbol).map((s) => ({ exported: s, target: resolve(checker, s) }));
    const values = symbols.filter((s) => s.target.flags & ts.SymbolFlags.Value);
    const reached = reachedSymbols(
      checker,
      values.map((s) => s.target),
      (file) => !file.includes(`${sep}node_modules${sep}`),
    );
    const pkg = JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8')) as { name: string };
    return {
      dir,
      name: pkg.name,
      exports: symbols
        .map(({ exported, target }) => ({
          name: exported.name,
          value: (target.flags & ts.SymbolFlags.Value) !== 0,
          documented: documented.has(exported.name),
          inSignature: reached.has(target),
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  });
}

function resolve(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** Every named type (interface, alias, enum, class) the types of `roots` reach, through our own declarations. */
function reachedSymbols(checker: ts.TypeChecker, roots: ts.Symbol[], ours: (file: string) => boolean): Set<ts.Symbol> {
  const found = new Set<ts.Symbol>();
  const seen = new Set<ts.Type>();
  const isOurs = (s: ts.Symbol | undefined) => !!s?.declarations?.some((d) => ours(d.getSourceFile().fileName));
  const signature = (sig: ts.Signature) => {
    for (const p of sig.getParameters()) visit(checker.getTypeOfSymbol(p));
    for (const tp of sig.getTypeParameters() ?? []) {
      const c = tp.getConstraint();
      if (c) visit(c);
    }
    visit(sig.getReturnType());
  };
  const visit = (type: ts.Type): void => {
    if (seen.has(type)) return;
    seen.add(type);
    for (const s of [type.aliasSymbol, type.getSymbol()]) if (s && isOurs(s)) found.add(s);
    for (const a of type.aliasTypeArguments ?? []) visit(a);
    if (type.isUnionOrIntersection()) for (const t of type.types) visit(t);
    if (type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)
      for (const a of checker.getTypeArguments(type as ts.TypeReference)) visit(a);
    // Members only of our own types: zod's and Node's internals are not ours to name.
    if (!isOurs(type.aliasSymbol) && !isOurs(type.getSymbol())) return;
    for (const p of type.getProperties()) visit(checker.getTypeOfSymbol(p));
    for (const sig of type.getCallSignatures()) signature(sig);
    for (const sig of type.getConstructSignatures()) signature(sig);
    for (const info of checker.getIndexInfosOfType(type)) visit(info.type);
  };
  // Written types too: an alias of another alias's instantiation (`type Props = z.input<typeof schema>`) keeps the
  // inner alias on the type, so only the declarations name it.
  const walked = new Set<ts.Symbol>();
  const written = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node) || ts.isTypeQueryNode(node)) {
      const at = ts.isTypeReferenceNode(node) ? node.typeName : ts.isTypeQueryNode(node) ? node.exprName : node.expression;
      const s = checker.getSymbolAtLocation(at);
      const target = s && (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
      if (target && isOurs(target) && !walked.has(target)) {
        found.add(target);
        walked.add(target);
        for (const d of target.declarations ?? []) declaration(d);
      }
    }
    if (ts.isFunctionLike(node) || ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) {
      declaration(node);
      return;
    }
    ts.forEachChild(node, written);
  };
  const declaration = (d: ts.Node): void => {
    if (ts.isFunctionLike(d)) {
      for (const p of [...(d.typeParameters ?? []), ...d.parameters]) ts.forEachChild(p, written);
      if (d.type) written(d.type);
    } else if (ts.isVariableDeclaration(d) || ts.isPropertyDeclaration(d) || ts.isParameter(d)) {
      if (d.type) written(d.type);
      else if (d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) declaration(d.initializer);
    } else if (ts.isTypeOfExpression(d) || ts.isIdentifier(d)) {
      // a `typeof value` query names a value: its type is visited through the checker below
    } else {
      ts.forEachChild(d, written);
    }
  };
  for (const root of roots) {
    for (const d of root.declarations ?? []) declaration(d);
    const type = checker.getTypeOfSymbol(root);
    visit(type);
    if (root.flags & ts.SymbolFlags.Class) visit(checker.getDeclaredTypeOfSymbol(root));
  }
  return found;
}

// ---------- CLI: where each export is used outside its package ----------

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'out', '.git', 'fixtures'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (/\.(c|m)?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** package name -> imported name -> files (repo-relative) importing it. */
function importsByPackage(repo: string): Map<string, Map<string, Set<string>>> {
  const uses = new Map<string, Map<string, Set<string>>>();
  const add = (pkg: string, name: string, file: string) => {
    const byName = uses.get(pkg) ?? uses.set(pkg, new Map()).get(pkg)!;
    (byName.get(name) ?? byName.set(name, new Set()).get(name)!).add(relative(repo, file));
  };
  for (const file of ['packages', 'tests', 'tools', 'examples'].flatMap((d) => sourceFiles(join(repo, d)))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const namespaces = new Map<string, string>();
    const visit = (node: ts.Node): void => {
      if (
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        const m = /^(@chatops\/[\w-]+)$/.exec(node.moduleSpecifier.text);
        if (m) {
          const pkg = m[1]!;
          const clause = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : node.exportClause;
          if (clause && (ts.isNamedImports(clause) || ts.isNamedExports(clause)))
            for (const e of clause.elements) add(pkg, (e.propertyName ?? e.name).text, file);
          else if (clause && ts.isNamespaceImport(clause)) namespaces.set(clause.name.text, pkg);
        }
      }
      // `const { a, b } = await import('@chatops/x')` (lazy loading of a big package)
      if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0]) &&
        /^@chatops\/[\w-]+$/.test(node.arguments[0].text)
      ) {
        const pkg = node.arguments[0].text;
        const holder = ts.isAwaitExpression(node.parent) ? node.parent.parent : node.parent;
        if (holder && ts.isVariableDeclaration(holder) && ts.isObjectBindingPattern(holder.name))
          for (const e of holder.name.elements) add(pkg, ((e.propertyName ?? e.name) as ts.Identifier).text, file);
        else if (holder && ts.isPropertyAccessExpression(holder)) add(pkg, holder.name.text, file);
        else if (holder && ts.isParenthesizedExpression(holder) && ts.isPropertyAccessExpression(holder.parent))
          add(pkg, holder.parent.name.text, file);
      }
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && namespaces.has(node.expression.text))
        add(namespaces.get(node.expression.text)!, node.name.text, file);
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return uses;
}

function main(filter: string[]): void {
  const uses = importsByPackage(REPO);
  let total = 0;
  let unused = 0;
  let undocumented = 0;
  for (const p of packageExports()) {
    if (filter.length && !filter.includes(p.dir)) continue;
    const byName = uses.get(p.name) ?? new Map<string, Set<string>>();
    const rows = p.exports.map((e) => {
      const outside = [...(byName.get(e.name) ?? [])].filter((f) => !f.startsWith(`packages/${p.dir}/`));
      return { ...e, outside };
    });
    total += rows.length;
    unused += rows.filter((r) => r.outside.length === 0).length;
    undocumented += rows.filter((r) => !r.documented).length;
    console.log(`\n${p.name}: ${rows.length} exports, ${rows.filter((r) => r.outside.length === 0).length} unused outside`);
    for (const r of rows) {
      const kind = r.value ? 'value' : r.inSignature ? 'type (in a signature)' : 'type';
      const where = r.outside.length ? r.outside.map((f) => f.replace(/^packages\//, '')).join(', ') : '-';
      console.log(`  ${r.documented ? 'D' : ' '} ${r.name} [${kind}] ${where}`);
    }
  }
  console.log(`\ntotal ${total} exports, ${unused} used nowhere outside their package, ${undocumented} not in their README`);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) main(process.argv.slice(2));
