// Every rendered file of every environment as a golden file under test/rendered/<env>/<node>/<path>, plus a
// listing with modes. `npx vitest run -u` writes them; commit them. In CI (CI=true) vitest never writes
// snapshots: a render that differs from the committed files fails the job with the diff.
import { readdirSync } from 'node:fs';
import { renderEnvironment } from '@chatops/render/testing';
import { expect, it } from 'vitest';

const environments = readdirSync('environments').filter((f) => /\.(ya?ml|toml|json)$/.test(f));

it.each(environments)('%s renders as committed', async (file) => {
  const name = file.replace(/\.[a-z]+$/, '');
  const files = await renderEnvironment(`environments/${file}`, {
    // Secrets are redacted in the result: a { env: NAME } secret that is not set renders with a stand-in value.
    missingSecrets: 'stand-in',
  });
  await expect(`${files.map((f) => `${f.mode} ${f.node}${f.path}`).join('\n')}\n`).toMatchFileSnapshot(`rendered/${name}/FILES`);
  for (const f of files) await expect(f.content).toMatchFileSnapshot(`rendered/${name}/${f.node}${f.path}`);
});
