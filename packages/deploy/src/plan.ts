import { type Environment, findNode } from '@chatops/environment';
import { createTwoFilesPatch } from 'diff';
import { type InspectResult, type Journal, type StateEntry, inspectScript, parseInspect } from './_remote.js';
import { nodeDigest } from './applied-record.js';
import type { DesiredFile, DesiredState, DesiredStep } from './desired-state.js';
import { binaryFix, nodeRequirements, userFix } from './service-requirements.js';
import type { Transport } from './transport.js';

export type FileStatus = 'create' | 'change' | 'unchanged' | 'kept' | 'drift';

export interface FilePlan {
  readonly path: string;
  readonly status: FileStatus;
  readonly secret: boolean;
  /** Unified diff of a changed non-secret file (never for secrets). */
  readonly diff?: string;
  /** `0644 -> 0600`, `root:root -> root:haproxy` when only metadata differs. */
  readonly metadata?: string;
}

export interface UnitAction {
  readonly unit: string;
  readonly action: 'reload' | 'restart';
}

export interface StepPlan {
  readonly node: string;
  readonly phase: string;
  readonly files: readonly FilePlan[];
  /** Files to write (created or changed; drifted ones too under --force). */
  readonly writes: readonly DesiredFile[];
  readonly units: readonly UnitAction[];
  readonly daemonReload: boolean;
  /** Checker names run on the node before any reload; empty when the service has no checker here. */
  readonly checks: readonly string[];
  /** Reloads journaled by an interrupted earlier run, fired by this step. */
  readonly replay: boolean;
  readonly step: DesiredStep;
}

export interface PreflightProblem {
  readonly node: string;
  readonly problem: string;
  readonly fix: string;
}

export interface NodePlan {
  readonly node: string;
  /** The login user, and whether deploy can set owners there (only root can chown). */
  readonly user: string;
  readonly managesOwners: boolean;
  readonly steps: readonly StepPlan[];
  readonly drift: readonly string[];
  readonly problems: readonly PreflightProblem[];
  /** The node's state file as read (what deploy last applied, per path). */
  readonly state: ReadonlyMap<string, StateEntry>;
}

export interface Plan {
  readonly environment: string;
  readonly nodes: readonly NodePlan[];
  /** True when some step would write a file or fire a reload. */
  readonly changes: boolean;
  readonly drift: boolean;
  readonly problems: readonly PreflightProblem[];
  /**
   * Selected nodes left out without a round trip: their desired files are exactly those recorded as converged
   * (`unchangedSince`), so they are assumed to be still as deploy left them (drift there is not looked for).
   */
  readonly assumed: readonly string[];
}

export interface PlanOptions {
  /** Restrict to these nodes. @default every node */
  readonly nodes?: readonly string[];
  /** Overwrite drifted files instead of refusing. @default false */
  readonly force?: boolean;
  /** Nodes inspected at once. @default 8 */
  readonly parallel?: number;
  /**
   * Digests of the nodes as last seen converged (`AppliedRecord`): a selected node whose desired files
   * still have that digest is not inspected and lands in `assumed`. @default every selected node is inspected
   */
  readonly unchangedSince?: ReadonlyMap<string, string>;
}

/** Inspects every selected node in one round trip each and compares it with the desired state. */
export async function plan(desired: DesiredState, transport: Transport, options: PlanOptions = {}): Promise<Plan> {
  const env = desired.env;
  const chosen = env.nodes.filter((n) => !options.nodes || options.nodes.includes(n.name)).map((n) => n.name);
  const since = options.unchangedSince;
  const assumed = since ? chosen.filter((n) => since.get(n) === nodeDigest(desired, n)) : [];
  const selected = chosen.filter((n) => !assumed.includes(n));
  const nodes = await mapLimited(selected, options.parallel ?? 8, async (node) => {
    const steps = desired.steps.filter((s) => s.node === node);
    const request = inspectRequest(env, node, steps, desired.stateDir(node));
    const result = await transport.run(node, inspectScript(request), 'inspect');
    if (result.code !== 0) throw new Error(`${node}: inspect failed (exit ${result.code}): ${result.stderr.trim()}`);
    return nodePlan(env, node, steps, parseInspect(result.stdout), options.force ?? false);
  });
  const problems = nodes.flatMap((n) => n.problems);
  return {
    environment: env.name,
    nodes,
    changes: nodes.some((n) => n.steps.some((s) => s.writes.length > 0 || s.units.length > 0 || s.replay)),
    drift: nodes.some((n) => n.drift.length > 0),
    problems,
    assumed,
  };
}

function inspectRequest(env: Environment, node: string, steps: readonly DesiredStep[], stateDir: string) {
  const files = steps.flatMap((s) => s.files);
  const { binaries, secrets } = nodeRequirements(env, findNode(env, node));
  const users = new Set<string>();
  const groups = new Set<string>();
  for (const f of files) {
    users.add(f.artifact.owner ?? 'root');
    groups.add(f.artifact.group ?? 'root');
  }
  return {
    stateDir,
    files: files.map((f) => ({ path: f.artifact.path, sha256: f.sha256, secret: f.artifact.secret })),
    binaries: [...binaries],
    users: [...users],
    groups: [...groups],
    secrets,
    bytes: files.reduce((n, f) => n + Buffer.byteLength(f.artifact.content), 0),
  };
}

function nodePlan(env: Environment, node: string, steps: readonly DesiredStep[], facts: InspectResult, force: boolean): NodePlan {
  const managesOwners = facts.uid === 0;
  const drift: string[] = [];
  const stepPlans = steps.map((step): StepPlan => {
    const files: FilePlan[] = [];
    const writes: DesiredFile[] = [];
    for (const f of step.files) {
      const a = f.artifact;
      const remote = facts.files.get(a.path);
      const applied = facts.state.get(a.path);
      const want = { mode: a.mode, owner: `${a.owner ?? 'root'}:${a.group ?? 'root'}` };
      if (!remote?.sha256) {
        if (applied && !force) {
          drift.push(`${a.path} (deleted on the node since deploy wrote it)`);
          files.push({ path: a.path, status: 'drift', secret: a.secret });
        } else {
          files.push({ path: a.path, status: 'create', secret: a.secret });
          writes.push(f);
        }
        continue;
      }
      if (a.createOnly) {
        files.push({ path: a.path, status: 'kept', secret: a.secret });
        continue;
      }
      if (remote.sha256 === f.sha256) {
        const meta: string[] = [];
        if (remote.mode !== want.mode) meta.push(`mode ${remote.mode} -> ${want.mode}`);
        if (managesOwners && `${remote.owner}:${remote.group}` !== want.owner)
          meta.push(`owner ${remote.owner}:${remote.group} -> ${want.owner}`);
        // A non-root login cannot chown: the intended owner lives in the state file and is compared there.
        if (!managesOwners && applied && `${applied.owner}:${applied.group}` !== want.owner)
          meta.push(`owner (recorded) ${applied.owner}:${applied.group} -> ${want.owner}`);
        if (meta.length > 0) {
          files.push({ path: a.path, status: 'change', secret: a.secret, metadata: meta.join(', ') });
          writes.push(f);
        } else files.push({ path: a.path, status: 'unchanged', secret: a.secret });
        continue;
      }
      const diff = a.secret ? undefined : unifiedDiff(a.path, facts.contents.get(a.path) ?? '', a.content);
      if (applied !== undefined && applied.sha256 !== remote.sha256) {
        drift.push(a.path);
        files.push({ path: a.path, status: 'drift', secret: a.secret, ...(diff ? { diff } : {}) });
        if (force) writes.push(f);
        continue;
      }
      files.push({ path: a.path, status: 'change', secret: a.secret, ...(diff ? { diff } : {}) });
      writes.push(f);
    }
    const journal: Journal | undefined = facts.journals.get(step.phase);
    const units = new Map<string, UnitAction['action']>();
    for (const u of journal?.units ?? []) units.set(u.unit, u.action);
    for (const f of writes) {
      const action = f.artifact.action ?? 'reload';
      if (action === 'none') continue;
      for (const unit of f.units) if (units.get(unit) !== 'restart') units.set(unit, action);
    }
    return {
      node,
      phase: step.phase,
      files,
      writes,
      units: [...units.entries()].map(([unit, action]) => ({ unit, action })),
      daemonReload: (journal?.daemonReload ?? false) || writes.some((f) => f.unitFile),
      checks: step.checks.map((c) => c.name),
      replay: journal !== undefined,
      step,
    };
  });
  const problems = facts.preflight.map((p) => problem(env, node, p.kind, p.fields));
  return { node, user: facts.user, managesOwners, steps: stepPlans, drift, problems, state: facts.state };
}

function problem(env: Environment, node: string, kind: string, f: readonly string[]): PreflightProblem {
  switch (kind) {
    case 'binary':
      return { node, problem: `${f[0]} is not installed`, fix: binaryFix(env, f[0]!) };
    case 'user':
      return { node, problem: `system user ${f[0]} does not exist`, fix: userFix(f[0]!, 'user') };
    case 'group':
      return { node, problem: `system group ${f[0]} does not exist`, fix: userFix(f[0]!, 'group') };
    case 'secret-missing':
      return {
        node,
        problem: `onNode secret ${f[0]} does not exist (read by ${f[1]})`,
        fix: `provision it, e.g. install -m 0640 -o root -g ${f[1]} <value file> ${f[0]}`,
      };
    case 'secret-world-readable':
      return { node, problem: `onNode secret ${f[0]} is world-readable (mode ${f[2]})`, fix: `chmod o-rwx ${f[0]}` };
    case 'secret-unreadable':
      return {
        node,
        problem: `onNode secret ${f[0]} is not readable by ${f[1]} (${f[2]})`,
        fix: `chgrp ${f[1]} ${f[0]} && chmod 0640 ${f[0]}`,
      };
    case 'space':
      return { node, problem: `only ${f[1]} KiB free on ${f[0]}, ${f[2]} KiB needed`, fix: `free space on ${f[0]}` };
    default:
      return { node, problem: `${kind} ${f.join(' ')}`, fix: '' };
  }
}

function unifiedDiff(path: string, before: string, after: string): string {
  return createTwoFilesPatch(`${path} (on node)`, `${path} (rendered)`, before, after, undefined, undefined, { context: 3 })
    .split('\n')
    .slice(1)
    .join('\n');
}

export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== undefined) throw failed;
  return results;
}
