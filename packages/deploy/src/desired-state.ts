import { type Artifact, contentHash } from '@chatops/core';
import {
  type Environment,
  type NativeCheck,
  type ServiceName,
  serviceUnits,
  chatopsInstances,
  findNode,
  nodePath,
} from '@chatops/environment';
import type { PreparedRender, StackResult } from '@chatops/stack';

/** One managed file as deploy sees it: the artifact plus its phase and the units a change to it touches. */
export interface DesiredFile {
  readonly artifact: Artifact;
  readonly sha256: string;
  /** The stack service (apply phase) whose renderer produced the file. */
  readonly phase: ServiceName;
  /** systemd units to reload or restart (per `artifact.action`) when this file changes. */
  readonly units: readonly string[];
  /** A systemd unit or drop-in: a change needs `systemctl daemon-reload`. */
  readonly unitFile: boolean;
}

/** One step of the apply order: a service on a node, with its files and the daemon checkers that cover them. */
export interface DesiredStep {
  readonly node: string;
  readonly phase: ServiceName;
  readonly files: readonly DesiredFile[];
  readonly checks: readonly NativeCheck[];
}

export interface DesiredState {
  readonly env: Environment;
  /** Steps in `manifest.order`: dependencies first, the public edge last. */
  readonly steps: readonly DesiredStep[];
  /** Where deploy keeps its state, journal, staging and previous versions on each node (under the path prefix). */
  stateDir(node: string): string;
}

/**
 * Groups a render's artifacts into apply steps. The merged bundle forgets which renderer produced a file, so each
 * placed renderer is run once more (renderers are pure and cheap) to attribute files and checks to their service.
 */
export function desiredState(ctx: PreparedRender, result: StackResult): DesiredState {
  const { env } = ctx;
  const steps: DesiredStep[] = [];
  const perNode = new Map<string, Map<string, { phase: ServiceName; checks: NativeCheck[] }>>();
  const phaseChecks = new Map<string, NativeCheck[]>();
  const applyIndex = new Map<string, number>();
  for (const o of result.order) if (!applyIndex.has(o.service)) applyIndex.set(o.service, applyIndex.size);
  for (const node of env.nodes) {
    const placed = result.services.get(node.name) ?? [];
    const owner = new Map<string, { phase: ServiceName; checks: NativeCheck[] }>();
    // A file several renderers produce (our CA bundle) belongs to the first of them to be applied: it must be on
    // the node before any daemon that reads it is restarted. Apply runs phases in the order services first appear
    // in result.order (all nodes of a phase together).
    const inApplyOrder = result.renderers
      .filter((r) => placed.includes(r.service))
      .sort((a, b) => (applyIndex.get(a.service) ?? Number.MAX_SAFE_INTEGER) - (applyIndex.get(b.service) ?? Number.MAX_SAFE_INTEGER));
    for (const renderer of inApplyOrder) {
      const out = renderer.render(node, ctx);
      const checks = [...(out.checks ?? [])];
      phaseChecks.set(`${node.name}\0${renderer.service}`, [...(phaseChecks.get(`${node.name}\0${renderer.service}`) ?? []), ...checks]);
      for (const a of out.artifacts) if (!owner.has(a.path)) owner.set(a.path, { phase: renderer.service, checks });
    }
    perNode.set(node.name, owner);
  }
  for (const { node, service } of result.order) {
    const owner = perNode.get(node)!;
    const spec = findNode(env, node);
    const files = (result.bundles.get(node) ?? [])
      .filter((a) => owner.get(a.path)?.phase === service)
      .map((a) => ({
        artifact: a,
        sha256: contentHash(a.content),
        phase: service,
        units: a.action === 'none' ? [] : unitsOf(env, spec.name, a.service),
        unitFile: a.path.includes('/etc/systemd/system/'),
      }));
    steps.push({ node, phase: service, files, checks: phaseChecks.get(`${node}\0${service}`) ?? [] });
  }
  return { env, steps, stateDir: (node) => nodePath(env, node, '/var/lib/chatops-deploy') };
}

/** The systemd units behind an artifact's `service` (a unit name, a template `x@*`, or a stack service name). */
export function unitsOf(env: Environment, node: string, service: string): string[] {
  if (service.endsWith('@*')) {
    const base = service.slice(0, -2);
    return chatopsInstances(env, findNode(env, node))
      .map((i) => i.unit)
      .filter((u) => u.startsWith(`${base}@`));
  }
  const units = serviceUnits(env).get(service);
  if (units) return [...units];
  if (/\.(service|timer|socket|path)$/.test(service)) return [service];
  return [`${service}.service`];
}
