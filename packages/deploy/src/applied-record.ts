import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@chatops/core';
import type { ApplyReport } from './apply.js';
import type { DesiredState } from './desired-state.js';
import type { Plan } from './plan.js';
import { sshTarget } from './ssh-target.js';

/**
 * What this machine last saw each node converge to: per node, a digest of its desired files (path, hash, mode,
 * owner, group, createOnly), its deploy state directory and its SSH target. `apply` leaves a node whose digest is
 * unchanged out of its plan (no round trip): it ASSUMES such a node is still as deploy left it. `plan` inspects
 * every node and keeps the record true; `apply --check-all` and `apply --force` inspect every node too.
 * Kept on the deploying machine (`<environments root>/.deploy/<env>.json`), never on a node.
 */
export class AppliedRecord {
  readonly #nodes: Map<string, string>;

  private constructor(
    readonly file: string | undefined,
    nodes: Map<string, string>,
  ) {
    this.#nodes = nodes;
  }

  /** The record in `file` (empty when missing or unreadable: every node is then inspected). */
  static open(file: string): AppliedRecord {
    let nodes = new Map<string, string>();
    try {
      if (existsSync(file)) {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as { nodes?: Record<string, unknown> };
        nodes = new Map(Object.entries(parsed.nodes ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
      }
    } catch {
      nodes = new Map();
    }
    return new AppliedRecord(file, nodes);
  }

  /** A record kept in memory only (programmatic use, the benchmark). */
  static inMemory(): AppliedRecord {
    return new AppliedRecord(undefined, new Map());
  }

  /** Node -> digest, as {@link PlanOptions.unchangedSince} takes it. */
  get digests(): ReadonlyMap<string, string> {
    return this.#nodes;
  }

  /**
   * Before apply changes anything: forget the nodes about to be changed, so a run killed midway (or an
   * environment reverted afterwards) never finds a half-applied node recorded as converged.
   */
  forgetChanging(plan: Plan): void {
    for (const n of plan.nodes) if (n.steps.some((s) => s.writes.length > 0 || s.units.length > 0 || s.replay)) this.#nodes.delete(n.node);
    this.#save();
  }

  /**
   * After plan (no report) or apply: every inspected node that is now exactly as desired (nothing to do, or all
   * its steps applied; no drift, no preflight problem) is recorded; every other inspected node is forgotten.
   */
  update(desired: DesiredState, plan: Plan, report?: ApplyReport): void {
    for (const n of plan.nodes) {
      const work = n.steps.filter((s) => s.writes.length > 0 || s.units.length > 0 || s.replay);
      const converged =
        n.problems.length === 0 &&
        n.drift.length === 0 &&
        work.every((s) => report?.steps.some((o) => o.node === n.node && o.phase === s.phase && o.status === 'applied'));
      if (converged) this.#nodes.set(n.node, nodeDigest(desired, n.node));
      else this.#nodes.delete(n.node);
    }
    this.#save();
  }

  #save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const nodes = Object.fromEntries([...this.#nodes.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    writeFileAtomic(this.file, `${JSON.stringify({ nodes }, null, 2)}\n`, 0o600);
  }
}

/** The digest of what deploy would put on `node`: its files' path, hash, mode, owners, createOnly; state dir; target. */
export function nodeDigest(desired: DesiredState, node: string): string {
  const spec = desired.env.nodes.find((n) => n.name === node)!;
  const t = sshTarget(desired.env, spec);
  const h = createHash('sha256');
  h.update(`${desired.stateDir(node)}\0${t.user}@${t.host}:${t.port}\0${t.jumpHost ?? ''}\n`);
  for (const s of desired.steps) {
    if (s.node !== node) continue;
    for (const f of s.files) {
      const a = f.artifact;
      h.update(`${s.phase}\0${a.path}\0${f.sha256}\0${a.mode}\0${a.owner ?? 'root'}:${a.group ?? 'root'}\0${a.createOnly ? 1 : 0}\n`);
    }
  }
  return h.digest('hex');
}
