import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CliIo, runCli } from '@chatops/render';
import { buildManifest, prepareRender, renderStack } from '@chatops/stack';
import { tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const EXAMPLE = join(__dirname, '../examples/cloud-chatops');
const SECRETS_DIR = join(EXAMPLE, 'secrets/dev');

/** The dev environment reads its secrets from these files: their values must only reach secret artifacts. */
const secretValues = readdirSync(SECRETS_DIR)
  .filter((f) => f !== 'README.md')
  .map((f) => readFileSync(join(SECRETS_DIR, f), 'utf8').trim());

describe('secrets', () => {
  it('appear only in secret artifacts (0600/0640), never in configs, the manifest or the CLI output', async () => {
    using dir = tempDir();
    const ctx = await prepareRender(join(EXAMPLE, 'environments/dev.yaml'), { pkiDir: join(dir.path, 'pki') });
    const result = renderStack(ctx);
    const carriers = new Set<string>();
    for (const [node, artifacts] of result.bundles) {
      for (const a of artifacts) {
        const leaked = secretValues.filter((v) => a.content.includes(v));
        if (leaked.length === 0) continue;
        expect(a.secret, `${node}:${a.path} holds a secret value but is not marked secret`).toBe(true);
        expect(['0600', '0640', '0400', '0440'], `${node}:${a.path} mode`).toContain(a.mode);
        for (const v of leaked) carriers.add(v);
      }
    }
    // Every secret of the environment is actually delivered somewhere (otherwise this test proves nothing).
    expect([...carriers].sort()).toEqual([...secretValues].sort());

    const manifest = JSON.stringify(buildManifest(ctx.env, result));
    for (const v of secretValues) expect(manifest).not.toContain(v);

    let printed = '';
    const io: CliIo = { cwd: dir.path, env: {}, stdout: (t) => (printed += t), stderr: (t) => (printed += t) };
    await runCli(['dev', '--config', EXAMPLE, '--check', '--json'], io);
    await runCli(['dev', '--config', EXAMPLE, '--check'], io);
    for (const v of secretValues) expect(printed).not.toContain(v);
  });

  it('renders byte-identical output twice from the same state', async () => {
    using dir = tempDir();
    const file = join(EXAMPLE, 'environments/prod.yaml');
    const a = renderStack(await prepareRender(file, { pkiDir: join(dir.path, 'pki') }));
    const b = renderStack(await prepareRender(file, { pkiDir: join(dir.path, 'pki') }));
    expect([...b.bundles]).toEqual([...a.bundles]);
  });
});
