import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PkiStore } from '@chatops/pki';
import { type CliIo, runCli } from '@chatops/render';
import { requireBinary, run, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const REPO = join(__dirname, '..');
const TSX = join(REPO, 'node_modules/.bin/tsx');

function runExample(file: string, args: string[] = []) {
  const r = spawnSync(TSX, ['--conditions=@chatops/source', join(REPO, file), ...args], { encoding: 'utf8', cwd: REPO, timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('examples', () => {
  it('the README\'s "Use the packages in your project" example is examples/library-use/src/quick-start.ts', () => {
    // The consumer test (npm run test:consumer) builds and runs that file from the installed tarballs.
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Use the packages in your project'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBe(readFileSync(join(REPO, 'examples/library-use/src/quick-start.ts'), 'utf8'));
    expect(block?.trimEnd().split('\n').length).toBeLessThanOrEqual(12);
  });

  it('library-use/src/haproxy-only.ts prints a config the real haproxy accepts', async () => {
    const haproxy = requireBinary('haproxy');
    using dir = tempDir();
    const { material } = await new PkiStore(join(dir.path, 'pki')).ensure(
      { caCommonName: 'example CA', publicDomain: 'app.example.org' },
      [],
      { persist: false },
    );
    mkdirSync(join(dir.path, 'etc/haproxy/certs'), { recursive: true });
    mkdirSync(join(dir.path, 'etc/ssl'), { recursive: true });
    writeFileSync(join(dir.path, 'etc/haproxy/certs/site.pem'), material.publicCert.cert + material.publicCert.key);
    writeFileSync(join(dir.path, 'etc/ssl/internal-ca.pem'), material.caCert);
    const cfg = join(dir.path, 'haproxy.cfg');
    writeFileSync(cfg, runExample('examples/library-use/src/haproxy-only.ts', [dir.path]));
    const r = run(haproxy, ['-c', '-dW', '-f', cfg]);
    expect(r.stdout + r.stderr).toMatch(/Configuration file is valid/);
    expect(r.status).toBe(0);
  });

  it('grafana-provisioning/examples/custom-dashboard.ts builds a dashboard', () => {
    const out = runExample('packages/grafana-provisioning/examples/custom-dashboard.ts');
    expect(out.length).toBeGreaterThan(0);
  });

  it('minimal/single.yaml renders the whole stack on one node, and names a missing secret variable', async () => {
    let stdout = '';
    let stderr = '';
    const secrets = {
      GRAFANA_ADMIN_PASSWORD: 'a',
      GRAFANA_OAUTH_SECRET: 'b',
      GRAFANA_DS_PASSWORD: 'grafana-ds-password',
      PROMETHEUS_PASSWORD: 'prometheus-sa-password',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/x',
      SLACK_BOT_TOKEN: 'xoxb-example',
      ELASTIC_PASSWORD: 'e',
      KIBANA_PASSWORD: 'k',
      LOGSTASH_PASSWORD: 'l',
    };
    using dir = tempDir();
    const io = (env: Record<string, string>): CliIo => ({ cwd: dir.path, env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    const config = join(REPO, 'examples/minimal');
    expect(await runCli(['single', '--config', config, '--check'], io(secrets))).toBe(0);
    expect(stdout).toMatch(
      /^box-1 +\d+ files +elasticsearch, logstash, kibana, node-exporter, systemd-exporter, blackbox-exporter, cadvisor, alertmanager, prometheus, chatops, grafana, filebeat, haproxy$/m,
    );
    expect(stderr).toBe('');
    const { SLACK_WEBHOOK_URL: _, ...missing } = secrets;
    expect(await runCli(['single', '--config', config, '--check'], io(missing))).toBe(2);
    expect(stderr).toMatch(/single\.yaml:\d+: alerting\.slack\.webhookUrl: environment variable SLACK_WEBHOOK_URL is not set/);
  });
});
