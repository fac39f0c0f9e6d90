import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadDesired } from '@chatops/deploy';
import { defaultPkiDir } from '@chatops/stack';
import { loopbackEnvironment, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

// One rule for where an environment's PKI state lives (render, certs, deploy): `defaultPkiDir`, i.e.
// <root>/.pki/<environment name>, whatever name the command line used to find the file.
describe('deploy reads the PKI state where render writes it', () => {
  it('<root>/.pki/<environment name>, not the name given on the command line', async () => {
    using dir = tempDir('chatops-deploy-pki-');
    const loopback = await loopbackEnvironment({ dir: dir.path, subnet: 66 });
    const { rendered } = await loadDesired('called-otherwise', { cwd: dir.path, env: {}, config: loopback.file });
    expect(rendered.ctx.env.name).toBe('loopback');
    expect(rendered.ctx.pkiDir).toBe(defaultPkiDir(rendered.ctx.env, dirname(loopback.file)));
    expect(existsSync(join(dir.path, '.pki/loopback'))).toBe(true);
    expect(existsSync(join(dir.path, '.pki/called-otherwise'))).toBe(false);
  });
});
