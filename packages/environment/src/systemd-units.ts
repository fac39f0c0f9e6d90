import { type Environment, catalogueOf, serviceFacts, servicesOn } from './environment.js';
import type { NodeSpec } from './schema.js';
import type { ServiceName } from './service-facts.js';

/** Each registered service's long-running systemd units (its `units` facts), in catalogue order. */
export function serviceUnits(env: Environment): ReadonlyMap<ServiceName, readonly string[]> {
  return new Map(catalogueOf(env).map((s) => [s.service, s.units ?? []]));
}

/**
 * The systemd units placed on a node, in `servicesOn` order: what must be active there (the "systemd unit failed
 * or inactive" alert watches exactly these). Per service its `nodeUnits` (ChatOps' `chatops@N.service`), then its `units`.
 */
export function unitsOn(env: Environment, node: NodeSpec): string[] {
  return servicesOn(env, node).flatMap((service) => {
    const facts = serviceFacts(env, service);
    return [...(facts.nodeUnits?.(env, node) ?? []), ...(facts.units ?? [])];
  });
}
