/**
 * The consumer test (`npm run test:consumer`, run by .ci/run after `npm test`): packs every published package and
 * uses the tarballs the way a user's project would, outside the workspace (a temp directory, nothing resolved
 * from this repository):
 *
 * - alone: each package installed into an empty project with only its @chatops dependencies' tarballs beside it,
 *   then imported (ESM), required (CJS) and type-checked from both under strict NodeNext;
 * - together: examples/library-use installed with every tarball, type-checked and compiled under strict NodeNext
 *   (ESM and CJS sources), each program run; `npx @chatops/render` renders examples/minimal's environment there
 *   and the environment validates with the JSON Schema shipped in @chatops/environment, through ajv.
 *
 * Needs the npm registry for third-party dependencies (the npm cache serves them when it can), and the native
 * checkers the render runs (haproxy, promtool, amtool...). Build first (`npm run build`). Keeps the temp
 * directory when KEEP=1.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { basename, join } from 'node:path';
import ts from 'typescript';
import { closure, type Packed, packAll, REPO } from './published.js';

const EXAMPLE = join(REPO, 'examples/library-use');
const ENVIRONMENT = join(REPO, 'examples/minimal/environments/single.yaml');
/** The secrets examples/minimal reads from environment variables (throwaway values). */
const SECRETS: Record<string, string> = {
  GRAFANA_ADMIN_PASSWORD: 'consumer-admin',
  GRAFANA_OAUTH_SECRET: 'consumer-oauth',
  GRAFANA_DS_PASSWORD: 'grafana-ds-password',
  PROMETHEUS_PASSWORD: 'prometheus-sa-password',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/x',
  SLACK_BOT_TOKEN: 'xoxb-example',
  ELASTIC_PASSWORD: 'consumer-elastic',
  KIBANA_PASSWORD: 'consumer-kibana',
  LOGSTASH_PASSWORD: 'consumer-logstash',
};

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command; rejects with its output when it fails or outlives `timeoutMs`. */
function exec(
  cmd: string,
  args: string[],
  cwd: string,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, npm_config_update_notifier: 'false', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 180_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      const r = { status, stdout, stderr };
      if (status === 0) resolve(r);
      else
        reject(
          new Error(
            `${[cmd, ...args].join(' ')} (in ${cwd}) ${signal ? `killed by ${signal}` : `exited ${status}`}\n${stdout}${stderr}`.trimEnd(),
          ),
        );
    });
  });
}

const npmInstall = (cwd: string, specs: string[]) => exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...specs], cwd);

function expectThat(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/**
 * One package installed alone (with its @chatops dependencies' tarballs only): imported (ESM) and required (CJS)
 * by Node, and every module its declaration files import resolves under NodeNext from where it is installed (a
 * type from an undeclared or dev dependency would not). Type-checking every package is done once, together.
 */
async function alone(p: Packed, all: Packed[], root: string): Promise<void> {
  const dir = join(root, basename(p.dir));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `alone-${basename(p.dir)}`, private: true, type: 'module' }, null, 2)}\n`,
  );
  await npmInstall(
    dir,
    closure(p.name, all).map((q) => q.tarball),
  );
  for (const entry of p.entries) {
    const esm = await exec(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); console.log(Object.keys(m).length);`],
      dir,
    );
    const cjs = await exec(process.execPath, ['-e', `console.log(Object.keys(require(${JSON.stringify(entry)})).length);`], dir);
    expectThat(
      Number(esm.stdout) > 0 && esm.stdout === cjs.stdout,
      `${entry}: ESM and CJS builds export ${esm.stdout.trim()} and ${cjs.stdout.trim()} names`,
    );
  }
  const unresolved = unresolvedTypeImports(join(dir, 'node_modules', p.name, 'dist'));
  expectThat(
    unresolved.length === 0,
    `${p.name}: declaration imports that do not resolve when installed alone:\n  ${unresolved.join('\n  ')}`,
  );
}

/** `file: specifier` for every bare import of a .d.ts/.d.cts under `dist` that TypeScript cannot resolve. */
function unresolvedTypeImports(dist: string): string[] {
  const builtins = new Set(builtinModules);
  const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };
  const out: string[] = [];
  for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => /\.d\.c?ts$/.test(f))) {
    const path = join(dist, file);
    const mode = file.endsWith('.d.cts') ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext;
    for (const { fileName: spec } of ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles) {
      if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
      if (!ts.resolveModuleName(spec, path, options, ts.sys, undefined, undefined, mode).resolvedModule) out.push(`${file}: ${spec}`);
    }
  }
  return out;
}

/** examples/library-use with every tarball: strict NodeNext build, each program run, render, schema. */
async function together(all: Packed[], dir: string): Promise<string[]> {
  const done: string[] = [];
  mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'tsconfig.json', 'src']) cpSync(join(EXAMPLE, f), join(dir, f), { recursive: true });
  await npmInstall(
    dir,
    all.map((p) => p.tarball),
  );
  const installed = readdirNames(join(dir, 'node_modules/@chatops'));
  expectThat(
    all.every((p) => installed.includes(p.name)),
    `not every package installed: ${installed.join(', ')}`,
  );
  const tsc = join(dir, 'node_modules/typescript/bin/tsc');
  await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
  done.push('examples/library-use type-checked (strict NodeNext, no skipLibCheck) and compiled, ESM + CJS');
  // Every package's declarations, from ESM and from CJS, with the example's compiler options.
  mkdirSync(join(dir, 'all'));
  const entries = all.flatMap((p) => p.entries);
  const names = `export const names = [${entries.map((_, i) => `m${i}`).join(', ')}].map((m) => Object.keys(m));\n`;
  writeFileSync(join(dir, 'all/esm.mts'), `${entries.map((e, i) => `import * as m${i} from '${e}';\n`).join('')}${names}`);
  writeFileSync(join(dir, 'all/cjs.cts'), `${entries.map((e, i) => `import m${i} = require('${e}');\n`).join('')}${names}`);
  writeFileSync(
    join(dir, 'all/tsconfig.json'),
    `${JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { rootDir: '.', noEmit: true }, include: ['*.mts', '*.cts'] }, null, 2)}\n`,
  );
  await exec(process.execPath, [tsc, '-p', 'all/tsconfig.json'], dir);
  done.push(
    `all ${entries.length} entry points of ${all.length} packages type-checked from ESM and CJS (strict NodeNext, no skipLibCheck)`,
  );

  const cjs = await exec(process.execPath, ['dist/cjs-consumer.cjs'], dir);
  expectThat(cjs.stdout.includes('cjs: ok'), `cjs-consumer: ${cjs.stdout}`);
  const haproxy = await exec(process.execPath, ['dist/haproxy-only.js'], dir);
  expectThat(/^frontend https$/m.test(haproxy.stdout), 'haproxy-only printed no frontend');

  // The environment, with its modeline pointing at the schema as installed.
  mkdirSync(join(dir, 'environments'));
  const source = readFileSync(ENVIRONMENT, 'utf8').split('\n');
  source[0] = '# yaml-language-server: $schema=../node_modules/@chatops/environment/environment.schema.json';
  writeFileSync(join(dir, 'environments/single.yaml'), source.join('\n'));
  expectThat(existsSync(join(dir, 'node_modules/@chatops/environment/environment.schema.json')), 'the environment schema is not shipped');

  const quick = await exec(process.execPath, ['dist/quick-start.js', 'environments/single.yaml'], dir, { env: SECRETS });
  expectThat(/^box-1 .*\bhaproxy\b/.test(quick.stdout), `quick-start: ${quick.stdout}`);
  const render = await exec('npx', ['--no', '@chatops/render', 'single'], dir, { env: SECRETS });
  expectThat(
    existsSync(join(dir, 'out/single/manifest.json')),
    `npx @chatops/render single wrote no manifest:\n${render.stdout}${render.stderr}`,
  );
  done.push(`npx @chatops/render single: ${render.stdout.trim().split('\n').at(-1)}`);
  const valid = await exec(process.execPath, ['dist/validate-environment.js', 'environments/single.yaml'], dir);
  done.push(valid.stdout.trim());
  const printed = await exec('npx', ['--no', '@chatops/render', 'schema'], dir);
  const shipped = readFileSync(join(dir, 'node_modules/@chatops/environment/environment.schema.json'), 'utf8');
  expectThat(
    JSON.stringify(JSON.parse(printed.stdout)) === JSON.stringify(JSON.parse(shipped)),
    'render schema differs from the shipped environment.schema.json',
  );
  done.push('npx @chatops/render schema = the shipped environment.schema.json');
  return done;
}

function readdirNames(scopeDir: string): string[] {
  return existsSync(scopeDir) ? readdirSync(scopeDir).map((d) => `@chatops/${d}`) : [];
}

const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const work = mkdtempSync(join(tmpdir(), 'chatops-consumer-'));
let failed = 0;
try {
  mkdirSync(join(work, 'tarballs'));
  const packed = packAll(join(work, 'tarballs'));
  console.log(`packed ${packed.length} packages into ${work}/tarballs (${seconds(started)})`);

  const t1 = Date.now();
  try {
    for (const line of await together(packed, join(work, 'together'))) console.log(`together: ${line}`);
    console.log(`together: ok (${seconds(t1)})`);
  } catch (error) {
    failed++;
    console.log(`together: FAIL (${seconds(t1)})\n${(error as Error).message}`);
  }

  const t2 = Date.now();
  const queue = [...packed];
  await Promise.all(
    [0, 1].map(async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const t = Date.now();
        try {
          await alone(p, packed, join(work, 'alone'));
          console.log(`alone: ok   ${p.entries.join(', ')} (${closure(p.name, packed).length} tarballs, ${seconds(t)})`);
        } catch (error) {
          failed++;
          console.log(`alone: FAIL ${p.name}\n${(error as Error).message}`);
        }
      }
    }),
  );
  console.log(`alone: ${packed.length} packages (${seconds(t2)})`);
} finally {
  if (process.env.KEEP === '1') console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(`consumer test: ${failed === 0 ? 'passed' : `${failed} failed`} in ${seconds(started)}`);
process.exitCode = failed > 0 ? 1 : 0;
