import {
  type ApplyEvent,
  type StateEntry,
  applyScript,
  finishScript,
  fireScript,
  haproxyServerScript,
  parseEvents,
  printState,
  rollbackScript,
} from './_remote.js';
import { findNode, nodePath } from '@chatops/environment';
import { HAPROXY_PATHS } from '@chatops/haproxy-config';
import type { DesiredState } from './desired-state.js';
import { type NodePlan, type Plan, type StepPlan, mapLimited } from './plan.js';
import { healthProbes } from './health-probes.js';
import { type RolledInstance, rolledInstances } from './rolling.js';
import { type Transport, TransportError } from './transport.js';

/** A progress event; `--json` prints one per line. */
export interface DeployEvent {
  readonly type: 'phase' | 'step' | 'event' | 'failed' | 'done';
  readonly phase?: string;
  readonly node?: string;
  readonly message: string;
}

export interface ApplyOptions {
  /** Nodes of one phase applied at once. @default 4 */
  readonly parallel?: number;
  /** Identifies this run's staging and previous-version directories on the nodes. @default a timestamp */
  readonly runId?: string;
  /** `systemctl is-active` polls (0.5 s apart) after each reload/restart. @default 20 */
  readonly healthAttempts?: number;
  /** HAProxy polls (0.5 s apart) while draining a ChatOps instance and until it is UP again. @default 60 */
  readonly balancerAttempts?: number;
  /** Overwrite drift (the plan must have been made with `force`). @default false */
  readonly force?: boolean;
  readonly onEvent?: (event: DeployEvent) => void;
}

export interface StepOutcome {
  readonly node: string;
  readonly phase: string;
  readonly status: 'applied' | 'failed' | 'interrupted';
  readonly written: readonly string[];
  readonly fired: readonly string[];
  /** What went wrong (checker output, failing unit), secrets never included. */
  readonly error?: string;
  readonly restored: readonly string[];
}

export interface ApplyReport {
  readonly status: 'applied' | 'nothing-to-do' | 'failed' | 'preflight-failed' | 'drift';
  readonly steps: readonly StepOutcome[];
  readonly skipped: readonly { readonly node: string; readonly phase: string }[];
}

/**
 * Applies a plan phase by phase in `manifest.order`; the nodes of one phase in parallel (bounded). ChatOps steps
 * run one node at a time so instances restart one by one across the fleet. The first failing phase stops the run
 * (its failed nodes rolled back by the node script); later phases are not started.
 */
export async function apply(desired: DesiredState, transport: Transport, plan: Plan, options: ApplyOptions = {}): Promise<ApplyReport> {
  const emit = options.onEvent ?? (() => {});
  if (plan.problems.length > 0) return { status: 'preflight-failed', steps: [], skipped: [] };
  if (plan.drift && !options.force) return { status: 'drift', steps: [], skipped: [] };
  const work = plan.nodes.flatMap((n) => n.steps.filter((s) => s.writes.length > 0 || s.units.length > 0 || s.replay));
  if (work.length === 0) return { status: 'nothing-to-do', steps: [], skipped: [] };
  const runId = options.runId ?? new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const state = new Map(plan.nodes.map((n) => [n.node, new Map(n.state)]));
  const byNode = new Map<string, NodePlan>(plan.nodes.map((n) => [n.node, n]));
  // Phases in manifest.order (desired.steps follows it), not in the order nodes list their steps: a node listed
  // first would otherwise pull its services' phases ahead of what they depend on elsewhere.
  const phases: string[] = [];
  for (const s of desired.steps) if (!phases.includes(s.phase) && work.some((w) => w.phase === s.phase)) phases.push(s.phase);
  const outcomes: StepOutcome[] = [];
  for (const [i, phase] of phases.entries()) {
    const steps = work.filter((s) => s.phase === phase);
    emit({ type: 'phase', phase, message: `phase ${phase}: ${steps.map((s) => s.node).join(', ')}` });
    const parallel = phase === 'chatops' ? 1 : (options.parallel ?? 4);
    const results = await mapLimited(steps, parallel, (step) =>
      applyStep(step, byNode.get(step.node)!, state.get(step.node)!, desired, transport, runId, options, emit),
    );
    outcomes.push(...results);
    if (results.some((r) => r.status !== 'applied')) {
      const skipped = phases.slice(i + 1).flatMap((p) => work.filter((s) => s.phase === p).map((s) => ({ node: s.node, phase: p })));
      return { status: 'failed', steps: outcomes, skipped };
    }
  }
  return { status: 'applied', steps: outcomes, skipped: [] };
}

async function applyStep(
  step: StepPlan,
  node: NodePlan,
  state: Map<string, StateEntry>,
  desired: DesiredState,
  transport: Transport,
  runId: string,
  options: ApplyOptions,
  emit: (e: DeployEvent) => void,
): Promise<StepOutcome> {
  const next = new Map(state);
  const entry = (f: StepPlan['writes'][number]): StateEntry => ({
    sha256: f.sha256,
    mode: f.artifact.mode,
    owner: f.artifact.owner ?? 'root',
    group: f.artifact.group ?? 'root',
  });
  for (const f of step.writes) next.set(f.artifact.path, entry(f));
  // Files already right on the node count as applied too: the state records the whole managed set.
  for (const f of step.files) {
    const want = step.step.files.find((d) => d.artifact.path === f.path);
    if (want && f.status === 'unchanged') next.set(f.path, entry(want));
  }
  const instances = step.phase === 'chatops' ? rolledInstances(desired.env, step.node) : new Map<string, RolledInstance>();
  const rolled = step.units.filter((u) => instances.has(u.unit));
  const script = applyScript({
    deferred: rolled.map((u) => u.unit),
    health: Object.fromEntries(healthProbes(desired.env, step.node)),
    reloadProof: reloadProofs(desired, step.node),
    stateDir: desired.stateDir(step.node),
    runId,
    phase: step.phase,
    writes: step.writes.map((f) => ({
      path: f.artifact.path,
      content: f.artifact.content,
      mode: f.artifact.mode,
      owner: f.artifact.owner ?? 'root',
      group: f.artifact.group ?? 'root',
    })),
    checks: step.writes.length > 0 || step.replay ? step.step.checks : [],
    journal: { phase: step.phase, daemonReload: step.daemonReload, units: step.units },
    healthAttempts: options.healthAttempts ?? 20,
    state: printState(next),
  });
  emit({ type: 'step', node: step.node, phase: step.phase, message: describeStep(step, node) });
  let events: ApplyEvent[];
  let code: number;
  let stderr = '';
  try {
    const r = await transport.run(step.node, script, `apply:${step.phase}`);
    events = parseEvents(r.stdout);
    code = r.code;
    stderr = redact(r.stderr);
    if (code !== 0 && events.length === 0) events = [{ kind: 'fail', fields: [r.stderr.trim().slice(0, 500)] }];
  } catch (e) {
    if (!(e instanceof TransportError)) throw e;
    const message = `${e.message}; the node keeps a journal of this step's reloads, which the next run fires`;
    emit({ type: 'failed', node: step.node, phase: step.phase, message });
    return { node: step.node, phase: step.phase, status: 'interrupted', written: [], fired: [], error: message, restored: [] };
  }
  const written = events.filter((e) => e.kind === 'swapped').map((e) => e.fields[0]!);
  const fired = events.filter((e) => e.kind === 'fired').map((e) => e.fields.join(' '));
  const restored = events.filter((e) => e.kind === 'restored').map((e) => e.fields[0]!);
  for (const e of events) emit({ type: 'event', node: step.node, phase: step.phase, message: eventText(e) });
  if (code === 0 && rolled.length > 0) {
    const roll = await rollInstances(step, rolled, instances, desired, transport, runId, options, emit, printState(next));
    written.push(...roll.written);
    fired.push(...roll.fired);
    if (roll.error === undefined) {
      for (const [k, v] of next) state.set(k, v);
      return { node: step.node, phase: step.phase, status: 'applied', written, fired, restored };
    }
    emit({ type: 'failed', node: step.node, phase: step.phase, message: roll.error });
    return {
      node: step.node,
      phase: step.phase,
      status: roll.interrupted ? 'interrupted' : 'failed',
      written,
      fired,
      restored: roll.restored,
      error: roll.error,
    };
  }
  if (code === 0) {
    for (const [k, v] of next) state.set(k, v);
    return { node: step.node, phase: step.phase, status: 'applied', written, fired, restored };
  }
  if (!SCRIPT_FAILURES.has(code)) {
    // Killed midway (signal, lost session): nothing was rolled back; the journal on the node says what is owed.
    const message = `the step was killed midway (exit ${code}) after writing ${written.length} file(s); the node keeps a journal of its reloads, which the next run fires${stderr ? `\n${stderr}` : ''}`;
    emit({ type: 'failed', node: step.node, phase: step.phase, message });
    return { node: step.node, phase: step.phase, status: 'interrupted', written, fired, restored, error: message };
  }
  const error = failureText(events, code);
  emit({ type: 'failed', node: step.node, phase: step.phase, message: error });
  return { node: step.node, phase: step.phase, status: 'failed', written, fired, restored, error };
}

/** HAProxy's reload is proven by a new worker pid on its admin socket (load balancers only). */
function reloadProofs(desired: DesiredState, node: string): Record<string, string> {
  const spec = findNode(desired.env, node);
  if (!spec.roles.includes('loadbalancer')) return {};
  return { 'haproxy.service': nodePath(desired.env, spec, HAPROXY_PATHS.adminSocket) };
}

/** The last lines of the node script's stderr, with anything that looks like encoded file content removed. */
function redact(stderr: string): string {
  return stderr
    .trim()
    .split('\n')
    .slice(-3)
    .map((l) => l.replace(/[A-Za-z0-9+/=]{24,}/g, '<redacted>'))
    .join('\n');
}

/** Exit codes of the node script that mean "failed and rolled back" (see applyScript). */
const SCRIPT_FAILURES = new Set([10, 11, 12, 20, 21, 22]);

function describeStep(step: StepPlan, node: NodePlan): string {
  const parts = [`${step.writes.length} file(s)`];
  if (step.units.length) parts.push(step.units.map((u) => `${u.action} ${u.unit}`).join(', '));
  if (step.replay) parts.push('replaying journaled reloads');
  if (!node.managesOwners && step.writes.length) parts.push(`owners recorded, not set (login ${node.user} is not root)`);
  return parts.join('; ');
}

function eventText(e: ApplyEvent): string {
  switch (e.kind) {
    case 'check-failed':
      return `checker ${e.fields[0]} rejected the new files`;
    case 'unit-failed':
      return `${e.fields[0]} failed`;
    case 'unhealthy':
      return `${e.fields[0]} did not become healthy`;
    default:
      return `${e.kind} ${e.fields.filter((f) => !/^[A-Za-z0-9+/=]{40,}$/.test(f)).join(' ')}`.trim();
  }
}

function failureText(events: readonly ApplyEvent[], code: number): string {
  const decode = (s: string | undefined) =>
    Buffer.from(s ?? '', 'base64')
      .toString('utf8')
      .trim();
  const restored = events.filter((e) => e.kind === 'restored').length;
  const back = `; ${restored} file(s) restored to their previous version${events.some((e) => e.kind === 'refired') ? ', units reloaded back' : ''}`;
  for (const e of events) {
    if (e.kind === 'check-failed') return `checker ${e.fields[0]} rejected the new config${back}:\n${decode(e.fields[1])}`;
    if (e.kind === 'unit-failed') return `systemctl ${e.fields[0]} failed${back}:\n${decode(e.fields[1])}`;
    if (e.kind === 'unhealthy') return `${e.fields[0]} did not become healthy in time${back}:\n${decode(e.fields[1])}`;
    if (e.kind === 'fail') return `step failed at ${e.fields.join(' ')}${back}`;
  }
  return `node script exited ${code}${back}`;
}

interface RollResult {
  readonly written: string[];
  readonly fired: string[];
  readonly restored: string[];
  readonly error?: string;
  readonly interrupted?: boolean;
}

/**
 * Restarts a step's ChatOps instances one at a time after its files are in place: for each, drain its server in
 * every HAProxy (admin socket), restart it and wait until its health endpoint answers, set it ready and wait until
 * HAProxy reports it UP; then the next. A failure puts the step's previous files back, restarts the instances
 * already restarted (and the failed one) on them, sets the server ready again and stops. Round trips: 3 per
 * instance and load balancer, plus one to finish the step.
 */
async function rollInstances(
  step: StepPlan,
  rolled: readonly { unit: string; action: 'reload' | 'restart' }[],
  instances: ReadonlyMap<string, RolledInstance>,
  desired: DesiredState,
  transport: Transport,
  runId: string,
  options: ApplyOptions,
  emit: (e: DeployEvent) => void,
  state: string,
): Promise<RollResult> {
  const base = { stateDir: desired.stateDir(step.node), phase: step.phase, runId };
  const attempts = options.balancerAttempts ?? 60;
  const fired: string[] = [];
  const done: { unit: string; action: 'reload' | 'restart' }[] = [];
  const say = (message: string) => emit({ type: 'event', node: step.node, phase: step.phase, message });
  const run = async (node: string, script: string): Promise<{ code: number; events: ApplyEvent[]; stderr: string }> => {
    const r = await transport.run(node, script, `apply:${step.phase}`);
    return { code: r.code, events: parseEvents(r.stdout), stderr: r.stderr };
  };
  const balancers = async (i: RolledInstance, to: 'drain' | 'ready', tries = attempts): Promise<string | undefined> => {
    for (const lb of i.balancers) {
      const r = await run(
        lb.node,
        haproxyServerScript({ socket: lb.socket, backend: i.backend, server: i.server, state: to, attempts: tries }),
      );
      for (const e of r.events) say(`${lb.node}: ${e.kind} ${e.fields.join(' ')}`.trim());
      const timeout = r.events.find((e) => e.kind === 'lb-timeout');
      if (timeout && to === 'drain')
        return `${lb.node}: HAProxy drain of ${i.backend}/${i.server} timed out after ${tries * 0.5} s with ${timeout.fields[2] || '?'} session(s) still open`;
      if (timeout)
        return `${lb.node}: HAProxy reports ${i.backend}/${i.server} ${timeout.fields[2] || 'not UP'} after it was set ready: its own health checks keep it out of rotation until it answers`;
      if (r.code !== 0)
        return `${lb.node}: HAProxy ${to} of ${i.backend}/${i.server} failed: ${r.events.map((e) => `${e.kind} ${e.fields.slice(1).join(' ')}`).join('; ') || r.stderr.trim()}`;
    }
    return undefined;
  };
  // On failure the instance being rolled is restarted on the previous files and set READY again, not left in
  // drain/maint: HAProxy's own health checks then keep it out of rotation while it is unhealthy and bring it back
  // when it recovers, with no operator step. The roll stops: instances not yet rolled are never touched.
  const undo = async (why: string, current?: RolledInstance): Promise<RollResult> => {
    const back = rollbackScript({ ...base, paths: step.writes.map((w) => w.artifact.path), daemonReload: step.daemonReload, units: done });
    const r = await run(step.node, back);
    const restored = r.events.filter((e) => e.kind === 'restored').map((e) => e.fields[0]!);
    const ready = current ? await balancers(current, 'ready', 1) : undefined;
    return {
      written: [],
      fired,
      restored,
      error: `${why}; ${restored.length} file(s) restored to their previous version${done.length ? `, ${done.map((u) => u.unit).join(', ')} restarted on them` : ''}${current ? `; ${current.backend}/${current.server} set ready again${ready ? ` (${ready})` : ''}` : ''}`,
    };
  };
  try {
    for (const u of rolled) {
      const i = instances.get(u.unit)!;
      const drained = await balancers(i, 'drain');
      if (drained) return await undo(drained, i);
      done.push(u);
      const r = await run(
        step.node,
        fireScript({ ...base, unit: u.unit, action: u.action, healthAttempts: options.healthAttempts ?? 20, probe: i.probe }),
      );
      for (const e of r.events) say(eventText(e));
      if (r.code !== 0) return await undo(fireFailure(r.events, r.code, r.stderr), i);
      fired.push(`${u.action} ${u.unit}`);
      const ready = await balancers(i, 'ready');
      if (ready) return await undo(ready, i);
    }
    const end = await run(step.node, finishScript({ ...base, state }));
    if (end.code !== 0) return { written: [], fired, restored: [], error: `could not record the applied state: ${end.stderr.trim()}` };
    return { written: [], fired, restored: [] };
  } catch (e) {
    if (!(e instanceof TransportError)) throw e;
    return {
      written: [],
      fired,
      restored: [],
      interrupted: true,
      error: `${e.message}; the node keeps a journal of this step's restarts, which the next run fires`,
    };
  }
}

function fireFailure(events: readonly ApplyEvent[], code: number, stderr: string): string {
  const decode = (s: string | undefined) =>
    Buffer.from(s ?? '', 'base64')
      .toString('utf8')
      .trim();
  for (const e of events) {
    if (e.kind === 'unit-failed') return `systemctl ${e.fields[0]} failed: ${decode(e.fields[1])}`;
    if (e.kind === 'unhealthy') return `${e.fields[0]} did not become healthy in time: ${decode(e.fields[1])}`;
  }
  return `node script exited ${code}: ${redact(stderr)}`;
}
