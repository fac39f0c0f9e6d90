import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ConfigError, formatDiagnostic } from '@chatops/core';
import { type RenderContext, environmentJsonSchema, loadEnvironment } from '@chatops/environment';
import { PkiStore } from '@chatops/pki';
import { type StackResult, buildManifest, certificateRequests, defaultPkiDir, prepareRender, renderStack } from '@chatops/stack';
import { Command, CommanderError, Help } from 'commander';
import { badInputLines } from './bad-input.js';
import { CheckCache } from './check-cache.js';
import { HELP_WIDTH, afterCommandHelp, overview } from './help-text.js';
import { UsageError, locateEnvironment } from './locate-environment.js';
import { runNativeChecks } from './native-checks.js';
import { diffTree, formatTreeDiff } from './tree-diff.js';
import { VERSION } from './version.js';
import { FULL_FLAG, type RenderedOutput } from './render-record.js';
import { type RenderSummary, type SummaryStyle, printSummary, unchangedSummary } from './render-summary.js';
import { writeOutput } from './write-output.js';

export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Clock for certificate decisions and `certs`. @default new Date() */
  readonly now?: Date;
  /**
   * Rewrites one status line (a terminal's stderr): progress of anything slower than a second. `''` clears it.
   * @default undefined (no progress shown)
   */
  readonly progress?: (line: string) => void;
  /** Style help headings (a terminal without `NO_COLOR`: see `colorWanted`). @default false */
  readonly color?: boolean;
  /** Told once a render has written its output and succeeded (what `main` records). @default undefined */
  readonly onRendered?: (rendered: RenderedOutput) => void;
}

/** Exit codes of DESIGN.md §5 (70 is sysexits' EX_SOFTWARE: an internal error, a bug). */
export const EXIT = { ok: 0, rejected: 1, badInput: 2, different: 3, bug: 70 } as const;

interface RenderFlags {
  config?: string;
  out?: string;
  check?: boolean;
  json?: boolean;
  diff?: string;
  report?: boolean;
  strict?: boolean;
  full?: boolean;
}

/** Where `--report` puts the HTML report, under `out/<env>/`. */
export const REPORT_PATH = 'report/index.html';

/** Runs the CLI and resolves to its exit code; never calls process.exit, never prints a stack trace for bad input. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const color = Boolean(io.color);
  const program: Command = new Command('chatops-render')
    .description('Render a ChatOps environment into validated per-node config trees.')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      getOutHelpWidth: () => HELP_WIDTH,
      getErrHelpWidth: () => HELP_WIDTH,
      getOutHasColors: () => color,
      getErrHasColors: () => color,
    })
    .configureHelp({
      styleTitle: (s) => `\x1b[1m${s}\x1b[22m`,
      // The overview lists every command with its flags and an example; a command's own help is commander's.
      formatHelp: (cmd, helper): string =>
        cmd === program ? overview(program, helper, VERSION) : Help.prototype.formatHelp.call(helper, cmd, helper),
    })
    .showHelpAfterError('(run chatops-render --help for usage)')
    .option('--debug', 'print the stack trace of an internal error');
  const debug = () => Boolean(program.opts().debug || io.env.CHATOPS_DEBUG);
  const title = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s);

  program
    .command('render', { isDefault: true })
    .description("render every node's config files, run the daemons' own checkers on them, and write them all or nothing")
    .argument('<env>', 'environment name (environments/<env>.yaml)')
    .option('--config <dir|file>', 'environments root directory, or an environment file')
    .option('--out <dir>', 'output directory: files go to <dir>/<env>/<node>/<path>', 'out')
    .option('--check', 'render and validate in memory; write nothing')
    .option('--json', 'machine-readable summary on stdout')
    .option('--diff <dir>', 'compare with a tree render wrote before (<dir> or <dir>/<env>); write nothing; exit 3 if it differs')
    .option('--report', `also write <out>/<env>/${REPORT_PATH}: the stack's diagrams and tables in one page (no secrets)`)
    .option('--strict', 'treat warnings (an image not pinned by digest) as errors')
    .option(FULL_FLAG, 'render and check everything even when nothing changed since the same command last rendered')
    .action(async (name: string, flags: RenderFlags) => {
      code = await render(name, flags, io, debug());
    });

  program
    .command('schema')
    .description('print the JSON Schema of environment files (for editors and validators such as ajv)')
    .action(() => {
      io.stdout(`${JSON.stringify(environmentJsonSchema(), null, 2)}\n`);
    });

  program
    .command('certs')
    .argument('<env>', 'environment name')
    .option('--config <dir|file>', 'environments root directory, or an environment file')
    .option('--json', 'machine-readable listing')
    .description('list every certificate of an environment with its expiry (from <root>/.pki/<env>/)')
    .action((name: string, flags: { config?: string; json?: boolean }) => {
      code = certs(name, flags, io, debug());
    });
  for (const cmd of program.commands) cmd.addHelpText('after', () => afterCommandHelp(cmd.name(), title));

  const typo = mistypedCommand(argv, program);
  if (typo) {
    io.stderr(`error: unknown command '${argv[0]}' (Did you mean ${typo}?)\n(run chatops-render --help for usage)\n`);
    return EXIT.badInput;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    return reportError(e, io, debug());
  }
  return code;
}

async function render(name: string, flags: RenderFlags, io: CliIo, debug: boolean): Promise<number> {
  try {
    const located = locateEnvironment(name, { config: flags.config, cwd: io.cwd });
    if (flags.diff !== undefined && !existsSync(resolve(io.cwd, flags.diff)))
      throw new UsageError(`--diff ${flags.diff}: no such directory`);
    const now = io.now ?? new Date();
    const ctx = await prepareRender(located.file, {
      cwd: io.cwd,
      env: io.env,
      pkiRoot: located.root,
      // Certificates are issued in memory and kept only once the render and its checks succeeded.
      persistPki: false,
      now,
      ...(io.progress ? { onPkiProgress: slowProgress(io.progress, 'issuing certificates') } : {}),
    });
    io.progress?.('');
    // Warnings are bad input under --strict (exit 2, like any other problem of the environment file).
    if (flags.strict && ctx.warnings.length > 0) throw new ConfigError([...ctx.warnings]);
    const warnings = ctx.warnings.map((w) => `warning: ${formatDiagnostic(w)}\n`).join('');
    if (warnings) io.stderr(warnings);
    const result = renderStack(ctx);
    const manifest = buildManifest(ctx.env, result);
    // --check writes nothing, not even the cache of passed checks.
    const outcomes = await runNativeChecks(ctx, result, { cache: CheckCache.open(io.cwd), updateCache: !flags.check });
    const failed = outcomes.filter((o) => o.status === 'failed');
    const unavailable = outcomes.filter((o) => o.status === 'unavailable');
    const strict = Boolean(io.env.CI);
    const rejected = failed.length > 0 || (strict && unavailable.length > 0);

    const compared =
      flags.diff !== undefined ? diffTree(resolve(io.cwd, flags.diff), ctx.env.name, result, manifest, flags.diff) : undefined;
    // The report is built under --check and --diff too (it can fail), and written with the configs, all or nothing.
    const extraFiles = flags.report && !rejected ? new Map([[REPORT_PATH, await report(ctx, result)]]) : undefined;
    const output =
      !flags.check && !compared && !rejected
        ? writeOutput(resolve(io.cwd, flags.out ?? 'out'), ctx.env.name, result, manifest, extraFiles)
        : undefined;
    if (output) ctx.persistPki();
    const written = output?.dir;
    const reportFile = output && extraFiles ? relative(io.cwd, join(output.dir, REPORT_PATH)) : null;

    const summary: RenderSummary = {
      environment: ctx.env.name,
      ok: !rejected,
      written: written ? relative(io.cwd, written) || '.' : null,
      changed: output?.changed ?? false,
      report: reportFile,
      issuedCertificates: ctx.issued,
      nodes: Object.fromEntries(
        Object.entries(manifest.nodes).map(([node, m]) => [node, { services: m.services, files: m.artifacts.length }]),
      ),
      checks: outcomes,
      ...(compared
        ? {
            diff: {
              tree: relative(io.cwd, compared.dir) || '.',
              differences: compared.differences.map(({ diff: _, ...f }) => f),
              reissued: compared.reissued,
              secretsNotInTree: compared.secretsNotInTree,
            },
          }
        : {}),
    };
    const style: SummaryStyle = {
      json: Boolean(flags.json),
      strict,
      checkOnly: Boolean(flags.check),
      ...(compared && !flags.json ? { diffText: formatTreeDiff(compared, io.cwd) } : {}),
    };
    const printed = printSummary(summary, style);
    if (printed.stderr) io.stderr(printed.stderr);
    io.stdout(printed.stdout);
    if (output && !rejected) {
      const again = printSummary(unchangedSummary(summary), style);
      io.onRendered?.({
        outputDir: output.dir,
        pkiDir: ctx.pkiDir,
        renderedAt: now,
        reusableUntil: ctx.reusableUntil,
        stdout: again.stdout,
        stderr: warnings + again.stderr,
      });
    }
    if (rejected) return EXIT.rejected;
    return compared && compared.differences.length > 0 ? EXIT.different : EXIT.ok;
  } catch (e) {
    return reportError(e, io, debug);
  }
}

/** The HTML report of a rendered stack (`@chatops/report` is loaded only when asked for: Graphviz in WebAssembly is big). */
async function report(ctx: RenderContext, result: StackResult): Promise<string> {
  const dir = REPORT_PATH.split('/')[0];
  if (ctx.env.nodes.some((n) => n.name === dir)) {
    throw new UsageError(
      `--report writes out/${ctx.env.name}/${REPORT_PATH}, which would mix with the files of node ${dir}: rename that node, or leave out --report`,
    );
  }
  const { buildReport } = await import('@chatops/report');
  return buildReport(ctx, { certificates: certificateRequests(ctx.env), bundles: result.bundles });
}

function certs(name: string, flags: { config?: string; json?: boolean }, io: CliIo, debug: boolean): number {
  try {
    const located = locateEnvironment(name, { config: flags.config, cwd: io.cwd });
    const { environment } = loadEnvironment(located.file, { cwd: io.cwd, resolveSecrets: false });
    const dir = defaultPkiDir(environment, located.root);
    const now = io.now ?? new Date();
    const rows = new PkiStore(dir).list().map((c) => ({
      id: c.id,
      subject: c.subject,
      issuer: c.issuer,
      notAfter: c.notAfter.toISOString(),
      daysLeft: Math.floor((c.notAfter.getTime() - now.getTime()) / 86_400_000),
      names: [...c.dnsNames, ...c.ipAddresses],
    }));
    if (flags.json) {
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return EXIT.ok;
    }
    if (rows.length === 0) {
      io.stdout(`no certificates yet for ${name} (${relative(io.cwd, dir)}): run chatops-render ${name}\n`);
      return EXIT.ok;
    }
    const idWidth = Math.max(...rows.map((r) => r.id.length));
    for (const r of rows) {
      io.stdout(`${r.id.padEnd(idWidth)}  ${r.notAfter.slice(0, 10)}  ${String(r.daysLeft).padStart(5)} days  ${r.names.join(' ')}\n`);
    }
    return EXIT.ok;
  } catch (e) {
    return reportError(e, io, debug);
  }
}

/**
 * `chatops-render rendr prod` would otherwise read as `render rendr prod` ("too many arguments"): two words where
 * the first is one or two edits from a command name is that command mistyped.
 */
function mistypedCommand(argv: readonly string[], program: Command): string | undefined {
  const [first, second] = argv;
  if (!first || !second || first.startsWith('-') || second.startsWith('-')) return undefined;
  const names = program.commands.map((c) => c.name());
  if (names.includes(first)) return undefined;
  return names.find((n) => editDistance(first, n) <= 2);
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/** Bad input and usage exit 2 with located messages; anything else is a bug: exit 70, the stack only on --debug. */
function reportError(e: unknown, io: CliIo, debug: boolean): number {
  const bad = badInputLines(e);
  if (bad) {
    for (const line of bad) io.stderr(line);
    return EXIT.badInput;
  }
  io.stderr(`internal error (this is a bug): ${e instanceof Error ? e.message : String(e)}\n`);
  io.stderr(debug ? `${e instanceof Error ? (e.stack ?? '') : ''}\n` : 'run again with --debug for the stack trace, and report it\n');
  return EXIT.bug;
}

/** Reports `done/total` only once the work has taken a second (a fast run stays quiet), at most 10 times a second. */
function slowProgress(show: (line: string) => void, what: string): (done: number, total: number) => void {
  const start = Date.now();
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - start < 1000 || (now - last < 100 && done < total)) return;
    last = now;
    show(`${what}: ${done}/${total}`);
  };
}
