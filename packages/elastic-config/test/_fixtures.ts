import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Artifact, mergeArtifacts } from '@chatops/core';
import { type PkiMaterial, type RenderContext, type ServiceRenderer, loadEnvironment, servicesOn } from '@chatops/environment';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, '..', '..', '..');
const pem = (f: string) => readFileSync(join(here, 'fixtures', f), 'utf8');

/** Fixed test-only PEMs so golden files are stable: every leaf is the same pair. */
export const FIXED_PKI: PkiMaterial = {
  caCert: pem('ca.pem'),
  leaf: () => ({ cert: pem('leaf.pem'), key: pem('leaf-key.pem'), chain: pem('ca.pem'), notAfter: new Date('2100-01-01T00:00:00Z') }),
  publicCert: { cert: pem('leaf.pem'), key: pem('leaf-key.pem'), chain: '', notAfter: new Date('2100-01-01T00:00:00Z') },
};

export function exampleContext(name: 'prod' | 'dev'): RenderContext {
  const { environment, secrets } = loadEnvironment(join(REPO, 'examples/cloud-chatops/environments', `${name}.yaml`), { cwd: REPO });
  return { env: environment, secrets, pki: FIXED_PKI };
}

export function renderAll(ctx: RenderContext, renderers: readonly ServiceRenderer[]): Map<string, Artifact[]> {
  const bundles = new Map<string, Artifact[]>();
  for (const node of ctx.env.nodes) {
    const services = servicesOn(ctx.env, node);
    bundles.set(node.name, mergeArtifacts(renderers.filter((r) => services.includes(r.service)).flatMap((r) => r.render(node, ctx).artifacts)));
  }
  return bundles;
}

export function writeAll(artifacts: readonly Artifact[], root = ''): void {
  for (const a of artifacts) {
    const path = join(root, a.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, a.content);
    chmodSync(path, Number.parseInt(a.mode, 8));
  }
}

export function describeArtifacts(artifacts: readonly Artifact[], hide = /\.(pem|crt)$/): string {
  return `${artifacts
    .map((a) => {
      const head = `==> ${a.path} (${a.mode} ${a.owner}:${a.group}, service ${a.service}, on change: ${a.action}${a.secret ? ', secret' : ''})`;
      if (a.secret) return `${head}\n[secret: not shown]`;
      if (hide.test(a.path)) return `${head}\n[${a.content.split('\n').length - 1} lines not shown]`;
      return `${head}\n${a.content}`;
    })
    .join('\n')}\n`;
}
