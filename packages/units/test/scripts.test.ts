import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretStore } from '@chatops/core';
import type { RenderContext } from '@chatops/environment';
import { writeArtifacts } from '@chatops/stack';
import { exampleContext, requireBinary, run, tempDir } from '@chatops/testing';
import { certbotRenderer, chatopsRenderer } from '@chatops/units';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

describe('write-secrets.sh', () => {
  it("composes secrets.yml (0400, given to the container's uid:gid) from secret files, values intact, never rendered", () => {
    const sh = requireBinary('sh');
    using dir = tempDir('units-secrets-');
    const base = exampleContext('dev');
    const values = { SLACK_BOT_TOKEN: 'xoxb-it\'s "quoted" : # not a comment', SLACK_APP_TOKEN: 'xapp-1', GITHUB_TOKEN: '  spaced  ' };
    const secrets = new SecretStore(dir.path);
    const refs = Object.fromEntries(Object.keys(values).map((k) => [k, { env: k }]));
    for (const [k, v] of Object.entries(values)) secrets.set({ env: k }, v);
    const ctx: RenderContext = {
      ...base,
      secrets,
      env: { ...base.env, pathPrefix: dir.path, chatops: { ...base.env.chatops, secrets: refs } },
    };
    const node = ctx.env.nodes.find((n) => n.roles.includes('chatops'))!;
    const artifacts = chatopsRenderer.render(node, ctx).artifacts;
    writeArtifacts(artifacts);
    const script = artifacts.find((a) => a.path.endsWith('write-secrets.sh'))!;
    for (const v of Object.values(values)) expect(script.content).not.toContain(v);
    const out = join(dir.path, 'run', 'secrets.yml');
    mkdirSync(join(dir.path, 'run'));
    // The unit passes chatops.container.user; our own uid:gid here (chown to another uid needs root).
    const owner = `${process.getuid?.()}:${process.getgid?.()}`;
    const r = run(sh, [script.path, out, owner]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(load(readFileSync(out, 'utf8'))).toEqual(values);
    expect(statSync(out).mode & 0o777).toBe(0o400);
    expect(`${statSync(out).uid}:${statSync(out).gid}`).toBe(owner);
  });

  it('refuses a multi-line secret', () => {
    const sh = requireBinary('sh');
    using dir = tempDir('units-secrets-ml-');
    const base = exampleContext('dev');
    const secrets = new SecretStore(dir.path);
    secrets.set({ env: 'TOKEN' }, 'line1\nline2');
    const ctx: RenderContext = {
      ...base,
      secrets,
      env: { ...base.env, pathPrefix: dir.path, chatops: { ...base.env.chatops, secrets: { TOKEN: { env: 'TOKEN' } } } },
    };
    const node = ctx.env.nodes.find((n) => n.roles.includes('chatops'))!;
    const artifacts = chatopsRenderer.render(node, ctx).artifacts;
    writeArtifacts(artifacts);
    const r = run(sh, [artifacts.find((a) => a.path.endsWith('write-secrets.sh'))!.path, join(dir.path, 'secrets.yml')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/secret TOKEN .* spans several lines/);
  });
});

describe('certbot deploy hook', () => {
  it('rebuilds the HAProxy bundle (fullchain + key, 0600) and reloads haproxy', () => {
    const sh = requireBinary('sh');
    using dir = tempDir('units-certbot-');
    const base = exampleContext('prod');
    const ctx: RenderContext = { ...base, env: { ...base.env, pathPrefix: dir.path } };
    const lb = ctx.env.nodes.find((n) => n.roles.includes('loadbalancer'))!;
    const artifacts = certbotRenderer.render(lb, ctx).artifacts;
    writeArtifacts(artifacts);
    const hook = artifacts.find((a) => a.path.endsWith('haproxy-deploy-hook.sh'))!;
    const live = join(dir.path, 'live');
    mkdirSync(live);
    writeFileSync(join(live, 'fullchain.pem'), 'CHAIN\n');
    writeFileSync(join(live, 'privkey.pem'), 'KEY\n');
    const bin = join(dir.path, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "$@" > ${join(dir.path, 'systemctl.log')}\n`, { mode: 0o755 });
    const r = run('/usr/bin/env', [`PATH=${bin}:/usr/bin:/bin`, `RENEWED_LINEAGE=${live}`, sh, hook.path]);
    expect(r.stderr).toBe('');
    const bundle = join(dir.path, `etc/haproxy/certs/${ctx.env.domain}.pem`);
    expect(readFileSync(bundle, 'utf8')).toBe('CHAIN\nKEY\n');
    expect(statSync(bundle).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir.path, 'systemctl.log'), 'utf8')).toBe('reload haproxy.service\n');
  });
});
