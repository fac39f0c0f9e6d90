import type { ServiceFacts, ServiceName } from '@chatops/environment';

/**
 * The order in which services are applied: a topological sort of the catalogue's `after` edges (what a service
 * needs comes first; `afterRoutes` stands for an edge to every service with a public route), ties broken by
 * catalogue order so the result is deterministic. Every service of the
 * catalogue has a place; an edge to a service outside the catalogue is ignored (a partial stack), a cycle or a
 * service listed twice is an error.
 */
export function applyOrder(services: readonly Pick<ServiceFacts, 'service' | 'after' | 'afterRoutes' | 'route'>[]): ServiceName[] {
  const names = services.map((s) => s.service);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`service ${twice} is registered twice in the stack`);
  const known = new Set(names);
  const routed = services.filter((s) => s.route).map((s) => s.service);
  const edges = (s: (typeof services)[number]) => [...(s.after ?? []), ...(s.afterRoutes ? routed.filter((r) => r !== s.service) : [])];
  const pending = new Map(services.map((s) => [s.service, new Set(edges(s).filter((a) => known.has(a)))]));
  const order: ServiceName[] = [];
  while (pending.size > 0) {
    const next = names.find((n) => pending.get(n)?.size === 0);
    if (next === undefined) throw new Error(`the stack's \`after\` edges form a cycle through ${[...pending.keys()].join(', ')}`);
    order.push(next);
    pending.delete(next);
    for (const deps of pending.values()) deps.delete(next);
  }
  return order;
}
