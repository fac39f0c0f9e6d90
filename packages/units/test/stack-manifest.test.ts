import { join } from 'node:path';
import { servicesOn } from '@chatops/environment';
import { RENDERERS, prepareRender, renderStack } from '@chatops/stack';
import { REPO, SERVICE_SIGNATURES, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

describe.each(['prod', 'dev'] as const)('whole-stack render of %s', (name) => {
  it('configures each service of the seed on exactly the nodes that run it', async () => {
    using pki = tempDir('units-stack-pki-');
    const ctx = await prepareRender(join(REPO, 'examples/cloud-chatops/environments', `${name}.yaml`), {
      cwd: REPO,
      pkiDir: pki.path,
      persistPki: false,
    });
    const { bundles } = renderStack(ctx);
    const placement: Record<string, string[]> = {};
    const expected: Record<string, string[]> = {};
    for (const { service } of RENDERERS) {
      const signature = SERVICE_SIGNATURES[service];
      if (!signature) throw new Error(`no signature for ${service} in SERVICE_SIGNATURES`);
      placement[service] = ctx.env.nodes.filter((n) => (bundles.get(n.name) ?? []).some((a) => signature.test(a.path))).map((n) => n.name);
      expected[service] = ctx.env.nodes.filter((n) => servicesOn(ctx.env, n).includes(service)).map((n) => n.name);
    }
    expect(placement).toEqual(expected);
    // Every artifact says who owns it, its mode and what a change needs.
    for (const artifacts of bundles.values()) {
      for (const a of artifacts) {
        expect(a.owner && a.group && a.action && /^0[0-7]{3}$/.test(a.mode), a.path).toBeTruthy();
        if (a.secret) expect(Number.parseInt(a.mode, 8) & 0o007, a.path).toBe(0);
      }
    }
  });
});
