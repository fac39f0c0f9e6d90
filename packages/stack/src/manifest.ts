import { type Artifact, contentHash } from '@chatops/core';
import type { Environment } from '@chatops/environment';
import type { StackResult } from './render-stack.js';

export interface ManifestArtifact {
  readonly path: string;
  /** SHA-256 of the content; omitted for secrets (a hash of a short secret is as good as the secret). */
  readonly sha256?: string;
  readonly size: number;
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
  readonly service: string;
  readonly action: NonNullable<Artifact['action']>;
  readonly secret: boolean;
  /** Bootstrap file: deploy writes it only when it is absent on the node. */
  readonly createOnly?: true;
}

export interface Manifest {
  readonly environment: string;
  readonly domain: string;
  readonly nodes: Readonly<
    Record<string, { readonly address: string; readonly services: readonly string[]; readonly artifacts: readonly ManifestArtifact[] }>
  >;
  readonly order: StackResult['order'];
}

/** The machine-readable description of a render: deterministic (no timestamps), no secret material. */
export function buildManifest(env: Environment, result: StackResult): Manifest {
  const nodes: Record<string, Manifest['nodes'][string]> = {};
  for (const node of env.nodes) {
    nodes[node.name] = {
      address: node.address,
      services: result.services.get(node.name) ?? [],
      artifacts: (result.bundles.get(node.name) ?? []).map((a) => ({
        path: a.path,
        ...(a.secret ? {} : { sha256: contentHash(a.content) }),
        size: Buffer.byteLength(a.content, 'utf8'),
        mode: a.mode,
        owner: a.owner ?? 'root',
        group: a.group ?? 'root',
        service: a.service,
        action: a.action ?? 'reload',
        secret: a.secret,
        ...(a.createOnly ? { createOnly: true as const } : {}),
      })),
    };
  }
  return { environment: env.name, domain: env.domain, nodes, order: result.order };
}
