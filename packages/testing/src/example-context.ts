import { cpSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Artifact, mergeArtifacts } from '@chatops/core';
import {
  type Environment,
  type PkiMaterial,
  type RenderContext,
  type ServiceRenderer,
  loadEnvironment,
  servicesOn,
  withCatalogue,
} from '@chatops/environment';
import { RENDERERS } from '@chatops/stack';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const REPO = join(here, '..', '..', '..');

/** A copy of the example config (environments + dev secrets, no PKI state) as `<dir>/config`; returns that path. */
export function exampleConfigCopy(dir: string): string {
  const example = join(REPO, 'examples/cloud-chatops');
  const root = join(dir, 'config');
  cpSync(join(example, 'environments'), join(root, 'environments'), { recursive: true });
  cpSync(join(example, 'secrets'), join(root, 'secrets'), { recursive: true });
  return root;
}

const pem = (f: string) => readFileSync(join(here, '..', 'fixtures', f), 'utf8');

/** A PKI stand-in with fixed test-only PEMs (so golden files are stable): every leaf is the same pair. */
export const FIXED_PKI: PkiMaterial = {
  caCert: pem('ca.pem'),
  leaf: () => ({ cert: pem('leaf.pem'), key: pem('leaf-key.pem'), chain: pem('ca.pem'), notAfter: new Date('2100-01-01T00:00:00Z') }),
  publicCert: { cert: pem('leaf.pem'), key: pem('leaf-key.pem'), chain: '', notAfter: new Date('2100-01-01T00:00:00Z') },
};

/** Loads an example environment (prod or dev) into a render context with the fixed PKI. */
export function exampleContext(name: 'prod' | 'dev'): RenderContext {
  const { environment, secrets } = loadEnvironment(join(REPO, 'examples/cloud-chatops/environments', `${name}.yaml`), { cwd: REPO });
  return { env: withCatalogue(environment, RENDERERS), secrets, pki: FIXED_PKI };
}

/** The same context with every path re-rooted (for materializing files under a temp dir). */
export function rerooted(ctx: RenderContext, prefix: string): RenderContext {
  const env: Environment = { ...ctx.env, pathPrefix: prefix };
  return { ...ctx, env };
}

/** Renders the given renderers on every node that runs their service, like the stack does. */
export function renderAll(ctx: RenderContext, renderers: readonly ServiceRenderer[]): Map<string, Artifact[]> {
  const bundles = new Map<string, Artifact[]>();
  for (const node of ctx.env.nodes) {
    const services = servicesOn(ctx.env, node);
    const list: Artifact[] = [];
    for (const r of renderers) if (services.includes(r.service)) list.push(...r.render(node, ctx).artifacts);
    bundles.set(node.name, mergeArtifacts(list));
  }
  return bundles;
}

/** A printable listing of artifacts for golden files: metadata and, for non-secret files, content. */
export function describeArtifacts(artifacts: readonly Artifact[], options: { skipContentOf?: RegExp } = {}): string {
  return `${[...artifacts]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((a) => {
      const head = `==> ${a.path} (${a.mode} ${a.owner}:${a.group}, service ${a.service}, on change: ${a.action}${a.secret ? ', secret' : ''})`;
      if (a.secret) return `${head}\n[secret: not shown]`;
      if (options.skipContentOf?.test(a.path)) return `${head}\n[${a.content.split('\n').length - 1} lines not shown]`;
      return `${head}\n${a.content}`;
    })
    .join('\n')}\n`;
}
