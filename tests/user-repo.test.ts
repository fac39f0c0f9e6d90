import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The README's CI recipe, run as written in a scratch copy of examples/user-repo. One difference from a real
// repository: `npm ci` is replaced by links to this workspace's packages (their TypeScript sources, through the
// monorepo's `@chatops/source` condition), not tarballs from a registry; tools/packaging's pack helper (#16) has
// not landed. Everything after `npm ci` runs exactly as the workflow says.

const REPO = join(__dirname, '..');
const EXAMPLE = join(REPO, 'examples/user-repo');
const WORKFLOW = readFileSync(join(EXAMPLE, '.github/workflows/ci.yml'), 'utf8');
const GITLAB = readFileSync(join(EXAMPLE, '.gitlab-ci.yml'), 'utf8');

interface Step {
  name?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}
const steps = (parse(WORKFLOW) as { jobs: { config: { steps: Step[] } } }).jobs.config.steps.filter((s) => s.run !== undefined);

// Stand-ins for the repository secrets the workflow passes: any value renders.
const SECRETS = {
  GRAFANA_ADMIN_PASSWORD: 'test',
  GRAFANA_OAUTH_SECRET: 'test',
  GRAFANA_DS_PASSWORD: 'test',
  PROMETHEUS_PASSWORD: 'test',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/test',
  SLACK_BOT_TOKEN: 'xoxb-test',
  ELASTIC_PASSWORD: 'test',
  KIBANA_PASSWORD: 'test',
  LOGSTASH_PASSWORD: 'test',
};

/** `npm ci`, replaced: the package.json's dependencies linked from the workspace, and the two bins as shims. */
function linkWorkspace(repo: string): void {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const modules = join(repo, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  mkdirSync(join(modules, '@chatops'));
  for (const name of Object.keys(pkg.devDependencies)) {
    const target = name.startsWith('@chatops/') ? join(REPO, 'packages', name.slice('@chatops/'.length)) : join(REPO, 'node_modules', name);
    symlinkSync(target, join(modules, name));
  }
  const conditions = `['@chatops/source', 'node', 'import', 'module', 'default']`;
  writeFileSync(
    join(modules, '.links.vitest.config.ts'),
    `import { mergeConfig } from 'vitest/config';\nimport user from '../vitest.config';\nconst conditions = ${conditions};\nexport default mergeConfig(user, { resolve: { conditions }, ssr: { resolve: { conditions, externalConditions: ['@chatops/source'] } } });\n`,
  );
  const shim = (name: string, command: string) =>
    writeFileSync(join(modules, '.bin', name), `#!/bin/sh\nexec ${command} "$@"\n`, { mode: 0o755 });
  shim('chatops-render', `${join(REPO, 'node_modules/.bin/tsx')} --conditions=@chatops/source ${join(REPO, 'packages/render/src/cli.ts')}`);
  shim('vitest', `${join(REPO, 'node_modules/.bin/vitest')} --config ${join(modules, '.links.vitest.config.ts')}`);
}

function sh(cwd: string, script: string, env: Record<string, string> = {}) {
  const r = spawnSync('bash', ['-eo', 'pipefail', '-c', script], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: `${join(cwd, 'node_modules/.bin')}:${process.env.PATH}`,
      HOME: process.env.HOME ?? '/root',
      CI: 'true',
      NO_COLOR: '1',
      ...SECRETS,
      ...env,
    },
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.org', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

describe('examples/user-repo: the README CI recipe in a scratch repository', () => {
  it('the README shows both CI files as they are in examples/user-repo, and they run the same commands', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain(WORKFLOW);
    expect(readme).toContain(GITLAB);
    for (const step of steps) {
      for (const line of (step.run ?? '')
        .split('\n')
        .filter((l) => l.includes('chatops-render') || l.startsWith('npm run') || l.startsWith('npx vitest'))) {
        expect(GITLAB, line).toContain(line.trim());
      }
    }
  });

  it('validate, render --check, snapshot test and the pull request diff: green, then red on an unreviewed change', {
    timeout: 240_000,
  }, () => {
    using dir = tempDir();
    const repo = join(dir.path, 'repo');
    cpSync(EXAMPLE, repo, { recursive: true });
    linkWorkspace(repo);
    git(repo, 'init', '-q', '-b', 'main');

    // Once, on the operator's machine: write the snapshots and commit them.
    const first = sh(repo, 'npx vitest run -u', { CI: '' });
    expect(first.output).toMatch(/1 passed/);
    expect(readFileSync(join(repo, 'test/rendered/prod/FILES'), 'utf8')).toMatch(/^0\d{3} box-1\/etc\/haproxy\/haproxy\.cfg$/m);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'base');
    const base = git(repo, 'rev-parse', 'HEAD');

    // Every step of the workflow on that commit (a push to main): all green. The diff step runs on pull requests.
    for (const step of steps) {
      if (step.run === 'npm ci' || step.run?.includes('apt-get') || step.if) continue; // npm ci: linkWorkspace; apt-get: installed here
      const r = sh(repo, step.run ?? '', step.env);
      expect(r.status, `${step.name ?? step.run}:\n${r.output}`).toBe(0);
    }

    // A pull request changes the Slack channel but not the snapshots: the snapshot step fails and shows the change;
    // the pull request step prints the rendered diff against the base branch (exit 3 there is not a failure).
    const env = join(repo, 'environments/prod.yaml');
    writeFileSync(env, readFileSync(env, 'utf8').replace("channel: '#alerts'", "channel: '#ops-alerts'"));
    git(repo, 'commit', '-qam', 'alerts to #ops-alerts');
    const red = sh(repo, steps.find((s) => s.run === 'npx vitest run')?.run ?? 'false');
    expect(red.status).not.toBe(0);
    expect(red.output).toMatch(/^\+ +channel: '#ops-alerts'$/m);
    const pr = steps.filter((s) => s.if === "github.event_name == 'pull_request'");
    expect(pr).toHaveLength(1);
    const diff = sh(repo, pr[0]?.run ?? 'false', { ...pr[0]?.env, BASE_SHA: base });
    expect(diff.status, diff.output).toBe(0);
    expect(diff.output).toMatch(/^--- a\/box-1\/etc\/prometheus\/alertmanager\.yml$/m);
    expect(diff.output).toMatch(/^\+ +channel: '#ops-alerts'$/m);
    expect(diff.output).toMatch(/^1 file\(s\) differ from \.\.\/base-rendered\/prod on 1 node\(s\)$/m);
  });
});
