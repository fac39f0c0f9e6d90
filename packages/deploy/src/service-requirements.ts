import {
  type BinaryRequirement,
  type Environment,
  type NodeSpec,
  type ServiceFacts,
  catalogueOf,
  nodePath,
  secretRefs,
  servicesOn,
} from '@chatops/environment';

/** What deploy's preflight looks for on a node: the `requires` and `secrets` facts of the services placed there. */
export interface NodeRequirements {
  /** Executables the services' units and checkers call (an absolute path lives under the node's prefix). */
  readonly binaries: readonly string[];
  /** Each `onNode` secret file a service there reads, and the system user that must be able to read it. */
  readonly secrets: readonly { readonly path: string; readonly user: string }[];
}

/** The preflight requirements of `node`, derived from the catalogue's facts of the services it runs. */
export function nodeRequirements(env: Environment, node: NodeSpec): NodeRequirements {
  const services = new Set(servicesOn(env, node));
  const placed = catalogueOf(env).filter((s) => services.has(s.service));
  // Release binaries outside Debian packages live in the node's file system, so under its prefix.
  const binaries = placed.flatMap((s) =>
    (s.requires?.binaries ?? []).map((r) => (r.binary.startsWith('/') ? nodePath(env, node, r.binary) : r.binary)),
  );
  const secrets = secretRefs(env).flatMap(({ path, ref }) => {
    const reader = placed.find((s) => readsSecret(s, path));
    if (!('onNode' in ref) || !reader) return [];
    return [{ path: ref.onNode, user: reader.requires?.user ?? 'root' }];
  });
  return { binaries: [...new Set(binaries)], secrets };
}

/** Whether a service's `secrets` fact covers the environment field at `path` (the field or one above it). */
function readsSecret(facts: ServiceFacts, path: readonly (string | number)[]): boolean {
  const dotted = path.join('.');
  return (facts.secrets ?? []).some((field) => dotted === field || dotted.startsWith(`${field}.`));
}

/** How to install a binary preflight found missing (as the node reports it: absolute ones under its prefix). */
export function binaryFix(env: Environment, missing: string): string {
  const requirement: BinaryRequirement | undefined = catalogueOf(env)
    .flatMap((s) => s.requires?.binaries ?? [])
    .find((r) => r.binary === missing || (r.binary.startsWith('/') && missing.endsWith(r.binary)));
  return requirement?.fix ?? `install ${missing}`;
}

/** How to fix a missing system user or group on Debian. */
export function userFix(name: string, kind: 'user' | 'group'): string {
  return kind === 'user'
    ? `useradd --system --no-create-home --shell /usr/sbin/nologin ${name} (normally created by the service's Debian package)`
    : `groupadd --system ${name} (normally created by the service's Debian package)`;
}
