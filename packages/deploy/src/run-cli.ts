import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '@chatops/core';
import { REPORT_PATH, UsageError, badInputLines } from '@chatops/render';
import { certificateRequests } from '@chatops/stack';
import { Command, CommanderError, Option } from 'commander';
import { type ApplyReport, type DeployEvent, apply } from './apply.js';
import { AppliedRecord } from './applied-record.js';
import { exportAnsible } from './export-ansible.js';
import { APPLY_HELP, EXPORT_HELP, OVERVIEW_HELP, PLAN_HELP } from './help-text.js';
import { type LoadedDesired, loadDesired } from './load-desired.js';
import { OpenSshTransport } from './openssh-transport.js';
import { type Plan, plan } from './plan.js';
import { sshTarget } from './ssh-target.js';
import { type Transport, TransportError } from './transport.js';

export interface DeployIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Interactive terminal: progress lines are redrawn, apply asks before changing anything. @default false */
  readonly tty?: boolean;
  /** Asks a yes/no question on the terminal (only called when `tty`). */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** Replaces the OpenSSH transport (tests of the CLI's own logic). */
  readonly transport?: (targets: ReturnType<typeof sshTarget>[]) => Transport;
}

/** Exit codes of DESIGN.md §5. */
export const DEPLOY_EXIT = { ok: 0, failed: 1, changes: 2, badInput: 2, bug: 70 } as const;

interface Flags {
  config?: string;
  out?: string;
  node?: string[];
  parallel?: string;
  json?: boolean;
  yes?: boolean;
  force?: boolean;
  checkAll?: boolean;
  debug?: boolean;
  report?: boolean;
}

/** Runs `chatops-deploy` and resolves to its exit code; never exits the process. */
export async function runDeployCli(argv: readonly string[], io: DeployIo): Promise<number> {
  let code: number = DEPLOY_EXIT.ok;
  const program = new Command('chatops-deploy')
    .description('Plan and apply a rendered ChatOps environment onto its nodes over SSH.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run chatops-deploy --help for usage)')
    .addHelpText('after', OVERVIEW_HELP);
  const common = (c: Command) =>
    c
      .argument('<env>', 'environment name (environments/<env>.yaml)')
      .option('--config <dir|file>', 'environments root directory, or an environment file')
      .option('--out <dir>', 'also write the rendered tree and manifest there')
      .addOption(new Option('--node <name>', 'only this node (repeatable)').argParser((v: string, prev: string[] = []) => [...prev, v]))
      .option('--parallel <n>', 'nodes of one phase at once', '4')
      .option('--json', 'one JSON event per line')
      .option('--force', 'overwrite files changed on the node since the last apply (drift)')
      .option('--debug', 'stack traces for internal errors');
  common(program.command('plan').description('show what apply would change; exit 0 nothing to do, 2 changes'))
    .option('--report', "also write <out>/<env>/report/index.html: chatops-render's report with the pending changes per node")
    .addHelpText('after', PLAN_HELP)
    .action(async (name: string, flags: Flags) => {
      code = await run('plan', name, flags, io);
    });
  common(program.command('apply').description('apply the plan; exit 0 applied or nothing to do, 1 failed (rolled back)'))
    .addHelpText('after', APPLY_HELP)
    .option('--yes', 'do not ask for confirmation (required when not on a terminal)')
    .option('--check-all', 'inspect every node, also those whose rendered files are unchanged since this machine last saw them converged')
    .action(async (name: string, flags: Flags) => {
      code = await run('apply', name, flags, io);
    });
  program
    .command('export-ansible')
    .description('write an Ansible inventory and playbook applying the same files in the same order')
    .argument('<env>', 'environment name (environments/<env>.yaml)')
    .option('--config <dir|file>', 'environments root directory, or an environment file')
    .requiredOption('--out <dir>', 'directory to write inventory.ini, playbook.yml and files/ into')
    .option('--debug', 'stack traces for internal errors')
    .addHelpText('after', EXPORT_HELP)
    .action(async (name: string, flags: Flags) => {
      code = await exportCommand(name, flags, io);
    });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? DEPLOY_EXIT.ok : DEPLOY_EXIT.badInput;
    return reportError(e, io, false);
  }
  return code;
}

async function run(command: 'plan' | 'apply', name: string, flags: Flags, io: DeployIo): Promise<number> {
  let transport: Transport | undefined;
  const out = new Output(io, Boolean(flags.json));
  try {
    const parallel = Number(flags.parallel ?? 4);
    if (!Number.isInteger(parallel) || parallel < 1) throw new UsageError(`--parallel: expected a positive integer, got ${flags.parallel}`);
    if (command === 'apply' && !flags.yes && !io.tty) throw new UsageError('apply changes nodes: pass --yes when not on a terminal');
    const { desired, rejected, rendered, recordFile } = await loadDesired(name, {
      cwd: io.cwd,
      env: io.env,
      config: flags.config,
      out: flags.out,
    });
    if (rejected.length > 0) {
      for (const r of rejected) out.error(`render rejected: ${r.node}: ${r.name}:\n${r.output}`);
      out.error('refusing to deploy a render that fails its checks (run chatops-render for details)');
      return DEPLOY_EXIT.failed;
    }
    for (const n of flags.node ?? [])
      if (!desired.env.nodes.some((x) => x.name === n)) throw new UsageError(`--node ${n}: no such node in ${desired.env.name}`);
    const targets = desired.env.nodes.map((n) => sshTarget(desired.env, n));
    transport = io.transport ? io.transport(targets) : new OpenSshTransport({ targets });
    // apply skips nodes whose rendered files are unchanged since they were last seen converged (plan, --force and
    // --check-all inspect every node): see AppliedRecord for what that assumes.
    const record = AppliedRecord.open(recordFile);
    const skipUnchanged = command === 'apply' && !flags.force && !flags.checkAll;
    const p = await plan(desired, transport, {
      nodes: flags.node,
      force: flags.force,
      parallel,
      ...(skipUnchanged ? { unchangedSince: record.digests } : {}),
    });
    out.plan(p);
    if (p.problems.length > 0) {
      record.update(desired, p);
      out.problems(p);
      return DEPLOY_EXIT.failed;
    }
    if (command === 'plan') {
      record.update(desired, p);
      out.summary(p, undefined, transport);
      if (flags.report) out.report(await writePlanReport(rendered, p, resolve(io.cwd, flags.out ?? 'out'), io.cwd));
      return p.changes || p.drift ? DEPLOY_EXIT.changes : DEPLOY_EXIT.ok;
    }
    if (p.drift && !flags.force) {
      record.update(desired, p);
      out.error(
        'refusing to apply: files changed on the node since the last apply (drift, listed above); re-run with --force to overwrite them',
      );
      return DEPLOY_EXIT.failed;
    }
    if (!p.changes) {
      record.update(desired, p);
      out.summary(p, undefined, transport);
      return DEPLOY_EXIT.ok;
    }
    if (!flags.yes && io.confirm && !(await io.confirm('apply these changes?'))) {
      out.error('nothing applied');
      return DEPLOY_EXIT.failed;
    }
    record.forgetChanging(p);
    const report = await apply(desired, transport, p, { parallel, force: flags.force, onEvent: (e) => out.event(e) });
    record.update(desired, p, report);
    out.summary(p, report, transport);
    return report.status === 'applied' || report.status === 'nothing-to-do' ? DEPLOY_EXIT.ok : DEPLOY_EXIT.failed;
  } catch (e) {
    return reportError(e, io, Boolean(flags.debug));
  } finally {
    await transport?.close();
  }
}

async function exportCommand(name: string, flags: Flags, io: DeployIo): Promise<number> {
  try {
    const { desired, rejected } = await loadDesired(name, { cwd: io.cwd, env: io.env, config: flags.config });
    if (rejected.length > 0) {
      for (const r of rejected) io.stderr(`error: render rejected: ${r.node}: ${r.name}:\n${r.output}\n`);
      return DEPLOY_EXIT.failed;
    }
    const dir = resolve(io.cwd, flags.out!);
    const files = exportAnsible(
      desired,
      desired.env.nodes.map((n) => sshTarget(desired.env, n)),
    );
    for (const f of files) {
      const path = resolve(dir, f.path);
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, f.content, { mode: f.mode });
    }
    io.stdout(
      `wrote ${dir}: inventory.ini, playbook.yml and ${files.length - 2} files (they include keys and secrets: keep the directory private)\n`,
    );
    return DEPLOY_EXIT.ok;
  } catch (e) {
    return reportError(e, io, Boolean(flags.debug));
  }
}

/** `plan --report`: the render's report page with a section of the plan's pending changes per node. */
async function writePlanReport(rendered: LoadedDesired['rendered'], p: Plan, outDir: string, cwd: string): Promise<string> {
  const { buildReport, pendingChangesSection } = await import('@chatops/report');
  const { ctx, result } = rendered;
  const html = await buildReport(ctx, {
    certificates: certificateRequests(ctx.env),
    bundles: result.bundles,
    extraSections: [pendingChangesSection(p)],
  });
  const file = join(outDir, ctx.env.name, REPORT_PATH);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, html, 0o644);
  return relative(cwd, file);
}

/** Human lines (or JSON events) for plans, progress and the final summary. */
class Output {
  constructor(
    readonly io: DeployIo,
    readonly json: boolean,
  ) {}

  #emit(event: Record<string, unknown>): void {
    this.io.stdout(`${JSON.stringify(event)}\n`);
  }

  error(text: string): void {
    if (this.json) this.#emit({ type: 'error', message: text });
    else this.io.stderr(`error: ${text}\n`);
  }

  event(e: DeployEvent): void {
    if (this.json) {
      this.#emit({ ...e });
      return;
    }
    const where = [e.phase, e.node].filter(Boolean).join(' ');
    const line = `${where ? `[${where}] ` : ''}${e.message}`;
    if (e.type === 'failed') this.io.stderr(`failed: ${line}\n`);
    else if (this.io.tty && e.type === 'event') this.io.stdout(`\r\x1b[K${line}`);
    else this.io.stdout(`${this.io.tty ? '\r\x1b[K' : ''}${line}\n`);
  }

  plan(p: Plan): void {
    if (p.assumed.length > 0) {
      if (this.json) for (const node of p.assumed) this.#emit({ type: 'assumed', node });
      else
        this.io.stdout(
          `not inspected (rendered files unchanged since last seen converged; --check-all inspects them): ${p.assumed.join(', ')}\n`,
        );
    }
    for (const n of p.nodes) {
      if (this.json) {
        for (const s of n.steps) {
          this.#emit({
            type: 'plan',
            node: n.node,
            phase: s.phase,
            files: s.files
              .filter((f) => f.status !== 'unchanged')
              .map((f) => ({ path: f.path, status: f.status, secret: f.secret, ...(f.metadata ? { metadata: f.metadata } : {}) })),
            units: s.units,
            daemonReload: s.daemonReload,
            checks: s.checks,
            replay: s.replay,
          });
        }
        continue;
      }
      const lines: string[] = [];
      for (const s of n.steps) {
        const interesting = s.files.filter((f) => f.status !== 'unchanged');
        if (interesting.length === 0 && s.units.length === 0 && !s.replay) continue;
        const checker =
          s.writes.length === 0
            ? ''
            : s.checks.length
              ? `; checked on the node by ${s.checks.join(', ')}`
              : '; no checker for this service here';
        const units = s.units.length
          ? `; ${s.units.map((u) => `${u.action} ${u.unit}`).join(', ')}${s.daemonReload ? ' (after daemon-reload)' : ''}`
          : '';
        lines.push(`  ${s.phase}${units}${checker}${s.replay ? '; fires reloads journaled by an interrupted run' : ''}`);
        for (const f of interesting) {
          const mark = { create: '+', change: '~', drift: '!', kept: '=', unchanged: ' ' }[f.status];
          const what =
            f.status === 'kept'
              ? 'exists, left alone (createOnly)'
              : f.status === 'drift'
                ? 'DRIFT: changed on the node since the last apply'
                : f.status === 'create'
                  ? 'created'
                  : f.secret
                    ? 'changed (secret)'
                    : (f.metadata ?? 'changed');
          lines.push(`    ${mark} ${f.path}  ${what}`);
          if (f.diff && !f.secret)
            lines.push(
              ...f.diff
                .trimEnd()
                .split('\n')
                .map((l) => `        ${l}`),
            );
        }
      }
      const owners = n.managesOwners ? '' : ` (login ${n.user} is not root: modes set, owners recorded but not set)`;
      this.io.stdout(`${n.node}: ${lines.length ? 'changes' : 'nothing to do'}${owners}\n${lines.map((l) => `${l}\n`).join('')}`);
    }
  }

  report(path: string): void {
    if (this.json) this.#emit({ type: 'report', path });
    else this.io.stdout(`report: ${path}\n`);
  }

  problems(p: Plan): void {
    if (this.json) {
      for (const x of p.problems) this.#emit({ type: 'preflight', ...x });
      return;
    }
    this.io.stderr(`preflight failed: ${p.problems.length} problem(s); nothing was changed on any node\n`);
    for (const x of p.problems) this.io.stderr(`  ${x.node}: ${x.problem}\n      fix: ${x.fix}\n`);
  }

  summary(p: Plan, report: ApplyReport | undefined, transport: Transport): void {
    const rows = p.nodes.map((n) => {
      const count = (s: string) => n.steps.reduce((k, st) => k + st.files.filter((f) => f.status === s).length, 0);
      const outcome = report?.steps.filter((s) => s.node === n.node) ?? [];
      const failed = outcome.find((s) => s.status !== 'applied');
      const trips = Object.values(transport.roundTrips(n.node)).reduce((a, b) => a + b, 0);
      return {
        node: n.node,
        create: count('create'),
        change: count('change'),
        unchanged: count('unchanged'),
        kept: count('kept'),
        drift: count('drift'),
        units: n.steps.reduce((k, s) => k + s.units.length, 0),
        roundTrips: trips,
        result: report
          ? failed
            ? `${failed.status} (${failed.phase})`
            : outcome.length
              ? 'applied'
              : report.skipped.some((s) => s.node === n.node)
                ? 'skipped'
                : 'unchanged'
          : 'planned',
      };
    });
    if (this.json) {
      this.#emit({ type: 'summary', status: report?.status ?? (p.changes || p.drift ? 'changes' : 'nothing-to-do'), nodes: rows });
      for (const s of report?.steps ?? [])
        if (s.error) this.#emit({ type: 'failure', node: s.node, phase: s.phase, status: s.status, error: s.error, restored: s.restored });
      return;
    }
    const head = ['node', 'create', 'change', 'same', 'kept', 'drift', 'units', 'trips', 'result'];
    const table = [
      head,
      ...rows.map((r) => [r.node, r.create, r.change, r.unchanged, r.kept, r.drift, r.units, r.roundTrips, r.result].map(String)),
    ];
    const widths = head.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    if (this.io.tty) this.io.stdout('\r\x1b[K');
    for (const r of table)
      this.io.stdout(
        `${r
          .map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
          .join('  ')
          .trimEnd()}\n`,
      );
    for (const s of report?.steps ?? []) {
      if (!s.error) continue;
      this.io.stderr(`${s.node} ${s.phase}: ${s.status}: ${s.error}\n`);
      if (s.written.length) this.io.stderr(`  written before the failure: ${s.written.join(', ')}\n`);
      if (s.restored.length) this.io.stderr(`  restored: ${s.restored.join(', ')}\n`);
    }
    if (report?.skipped.length) this.io.stderr(`not started: ${report.skipped.map((s) => `${s.node} ${s.phase}`).join(', ')}\n`);
  }
}

function reportError(e: unknown, io: DeployIo, debug: boolean): number {
  const bad = badInputLines(e);
  if (bad) {
    for (const line of bad) io.stderr(line);
    return DEPLOY_EXIT.badInput;
  }
  if (e instanceof TransportError) {
    io.stderr(`error: ${e.message}\nnothing was changed on any node by this step\n`);
    return DEPLOY_EXIT.failed;
  }
  io.stderr(`internal error (this is a bug): ${(e as Error).message ?? String(e)}\n`);
  if (debug || io.env.CHATOPS_DEBUG) io.stderr(`${(e as Error).stack ?? ''}\n`);
  return DEPLOY_EXIT.bug;
}
