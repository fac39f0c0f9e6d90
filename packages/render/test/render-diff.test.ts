import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { cli, exampleCopy } from './_cli.js';

describe('chatops-render <env> --diff <dir>', () => {
  it('exit 0 against its own tree rendered with another PKI; exit 3 with a unified diff per node and file; secrets only named', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    expect((await cli(['dev', '--config', config, '--out', 'rendered'], dir.path)).code).toBe(0);

    // Another machine: no PKI state, so every certificate and key is issued anew. Nothing to review.
    rmSync(join(config, '.pki'), { recursive: true });
    const same = await cli(['dev', '--config', config, '--diff', 'rendered'], dir.path);
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^no difference from rendered\/dev$/m);
    expect(same.stdout).toMatch(
      /^note: \d+ file\(s\) differ only by re-issued certificates or keys \(same subject, issuer, names and key type\): not shown$/m,
    );
    expect(same.stdout).not.toMatch(/^check only|^wrote/m);
    // --diff writes nothing: no new output, no PKI state.
    expect(readFileSync(join(dir.path, 'rendered/dev/manifest.json'), 'utf8')).toContain('"environment": "dev"');
    expect(() => readFileSync(join(config, '.pki/dev/ca.cert.pem'))).toThrow();

    // A file the tree has and the render no longer makes, and a mode that changed, as the tree's manifest says.
    const manifestFile = join(dir.path, 'rendered/dev/manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    const lb = manifest.nodes['lb-1'].artifacts;
    const cfg = lb.find((a: { path: string }) => a.path === '/etc/haproxy/haproxy.cfg');
    const mode = cfg.mode;
    cfg.mode = '0644';
    lb.push({ ...cfg, path: '/etc/haproxy/old.cfg', mode: '0644' });
    writeFileSync(manifestFile, JSON.stringify(manifest));
    writeFileSync(join(dir.path, 'rendered/dev/lb-1/etc/haproxy/old.cfg'), 'global\n  maxconn 10\n');
    const meta = await cli(['dev', '--config', config, '--diff', 'rendered'], dir.path);
    expect(meta.code).toBe(3);
    expect(meta.stdout).toContain(`lb-1:/etc/haproxy/haproxy.cfg: mode 0644 -> ${mode}\n`);
    expect(meta.stdout).toContain(
      'lb-1:/etc/haproxy/old.cfg: removed\n--- a/lb-1/etc/haproxy/old.cfg\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-global\n-  maxconn 10\n',
    );
    expect(meta.stdout).toMatch(/^2 file\(s\) differ from rendered\/dev on 1 node\(s\)$/m);

    const dev = join(config, 'environments/dev.yaml');
    writeFileSync(dev, readFileSync(dev, 'utf8').replace('instancesPerNode: 1', 'instancesPerNode: 2'));
    const secret = 'a-new-grafana-admin-password-5f3c';
    writeFileSync(join(config, 'secrets/dev/grafana-admin-password'), secret);
    rmSync(join(dir.path, 'rendered/dev/lb-1/etc/haproxy/certs'), { recursive: true }); // secrets left out of a tree
    const changed = await cli(['dev', '--config', config, '--diff', join(dir.path, 'rendered/dev')], dir.path);
    expect(changed.code).toBe(3);
    expect(changed.stdout).toContain(['--- a/lb-1/etc/haproxy/haproxy.cfg', '+++ b/lb-1/etc/haproxy/haproxy.cfg'].join('\n'));
    expect(changed.stdout).toMatch(/^\+ {4}server chatops-1-2 10\.1\.0\.21:3001 /m);
    expect(changed.stdout).toMatch(
      /^chatops-1:\/etc\/chatops\/app\/instance-2\.env: added\n--- \/dev\/null\n\+\+\+ b\/chatops-1\/etc\/chatops\/app\/instance-2\.env\n/m,
    );
    expect(changed.stdout).toMatch(/^monitoring-1:\/etc\/grafana\/[^:]+: changed \(secret\)$/m);
    expect(changed.stdout).not.toContain(secret);
    expect(changed.stdout).toMatch(/^\d+ file\(s\) differ from rendered\/dev on \d+ node\(s\)$/m);
    expect(changed.stdout).toMatch(/^note: \d+ secret file\(s\) are not in the tree: not compared$/m);

    const json = await cli(['dev', '--config', config, '--diff', 'rendered', '--json'], dir.path);
    expect(json.code).toBe(3);
    const summary = JSON.parse(json.stdout);
    expect(summary.diff.tree).toBe('rendered/dev');
    expect(summary.diff.differences).toContainEqual({ node: 'chatops-1', path: '/etc/chatops/app/instance-2.env', status: 'added' });
    expect(json.stdout).not.toContain(secret);
  });

  it('exit 2 when the directory is not a rendered tree', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    const r = await cli(['dev', '--config', config, '--diff', 'nowhere'], dir.path);
    expect(r).toMatchObject({ code: 2, stderr: 'error: --diff nowhere: no such directory\n' });
    const empty = await cli(['dev', '--config', config, '--diff', 'config'], dir.path);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe('error: --diff config: not a rendered tree (no manifest.json in config or config/dev)\n');
  });
});
