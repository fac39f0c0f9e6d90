// Every rendered file of every environment as a golden file under test/rendered/<env>/<node>/<path>, plus a
// listing with modes. `npx vitest run -u` writes them; commit them. In CI (CI=true) vitest never writes
// snapshots: a render that differs from the committed files fails the job with the diff.
import { readdirSync } from 'node:fs';
import { renderEnvironment } from '@chatops/render/testing';
import { expect, it } from 'vitest';

// Stand-ins for the secrets the environments read from variables: secrets are redacted in the result, so any
// value does, except where the environment also holds the password's hash (service accounts).
const SECRETS = {
  GRAFANA_ADMIN_PASSWORD: 'test',
  GRAFANA_OAUTH_SECRET: 'test',
  GRAFANA_DS_PASSWORD: 'grafana-ds-password',
  PROMETHEUS_PASSWORD: 'prometheus-sa-password',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/test',
  SLACK_BOT_TOKEN: 'xoxb-test',
  ELASTIC_PASSWORD: 'test',
  KIBANA_PASSWORD: 'test',
  LOGSTASH_PASSWORD: 'test',
};

const environments = readdirSync('environments').filter((f) => /\.(ya?ml|toml|json)$/.test(f));

it.each(environments)('%s renders as committed', async (file) => {
  const name = file.replace(/\.[a-z]+$/, '');
  const files = await renderEnvironment(`environments/${file}`, { env: SECRETS });
  await expect(`${files.map((f) => `${f.mode} ${f.node}${f.path}`).join('\n')}\n`).toMatchFileSnapshot(`rendered/${name}/FILES`);
  for (const f of files) await expect(f.content).toMatchFileSnapshot(`rendered/${name}/${f.node}${f.path}`);
});
