import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { environmentJsonSchema } from '@chatops/environment';
import { type CliIo, runCli } from '@chatops/render';
import { tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { REPO, cli, exampleCopy } from './_cli.js';

function snapshotTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else files.set(relative(dir, p), `${(statSync(p).mode & 0o777).toString(8)} ${readFileSync(p, 'utf8')}`);
    }
  };
  walk(dir);
  return files;
}

describe('chatops-render <env>', () => {
  it('renders prod into per-node trees with a manifest, and a second run changes no byte', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    const first = await cli(['prod', '--config', config], dir.path);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^lb-1 +\d+ files +node-exporter, systemd-exporter, filebeat, certbot, haproxy$/m);
    expect(first.stdout).toMatch(/certificates: issued \d+: chatops-render certs prod lists them/);
    expect(first.stdout).toMatch(/wrote out\/prod/);

    const out = join(dir.path, 'out/prod');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.nodes)).toEqual([
      'lb-1',
      'chatops-1',
      'chatops-2',
      'chatops-3',
      'grafana-1',
      'grafana-2',
      'prometheus-1',
      'elastic-1',
    ]);
    for (const [node, entry] of Object.entries<{ artifacts: { path: string; mode: string; secret: boolean; sha256?: string }[] }>(
      manifest.nodes,
    )) {
      const paths = entry.artifacts.map((a) => a.path);
      expect(paths, node).toContain('/etc/chatops/tls/ca.pem');
      const keys = entry.artifacts.filter((a) => a.path.endsWith('key.pem') || a.path.endsWith('.key'));
      expect(keys.length, `${node} has private keys`).toBeGreaterThan(0);
      for (const a of entry.artifacts) {
        const onDisk = join(out, node, a.path);
        expect(existsSync(onDisk), onDisk).toBe(true);
        expect((statSync(onDisk).mode & 0o777).toString(8).padStart(4, '0')).toBe(a.mode);
        if (a.secret) expect(a.sha256).toBeUndefined();
      }
      for (const k of keys) expect(k.mode, k.path).toBe('0600');
    }
    // With Let's Encrypt, the self-signed public bundle only bootstraps HAProxy: deploy must never overwrite it.
    const publicBundle = manifest.nodes['lb-1'].artifacts.find(
      (a: { path: string }) => a.path === '/etc/haproxy/certs/cloud-chatops.nubes.rl.ac.uk.pem',
    );
    expect(publicBundle).toMatchObject({ createOnly: true, secret: true, mode: '0600' });
    expect(readFileSync(join(out, 'lb-1/etc/chatops/tls/ca.pem'), 'utf8')).toBe(
      readFileSync(join(config, '.pki/prod/ca.cert.pem'), 'utf8'),
    );

    const before = snapshotTree(out);
    const second = await cli(['prod', '--config', config], dir.path);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/certificates: all reused/);
    expect(second.stdout).toMatch(/^unchanged: out\/prod$/m);
    expect(snapshotTree(out)).toEqual(before);

    // Unchanged is decided from the manifest's hashes without reading files back, yet a file edited by hand
    // (same size) after the render is noticed and rewritten, even with its mtime set back (its ctime moved).
    const edited = join(out, 'lb-1/etc/chatops/tls/ca.pem');
    const pem = readFileSync(edited, 'utf8');
    const { atime, mtime } = statSync(edited);
    writeFileSync(edited, pem.replace('-----BEGIN CERTIFICATE-----', '-----BEGIN CERTIFICATX-----'));
    utimesSync(edited, atime, mtime);
    const third = await cli(['prod', '--config', config], dir.path);
    expect(third.stdout).toMatch(/^wrote out\/prod$/m);
    expect(readFileSync(edited, 'utf8')).toBe(pem);
  });

  it('exits 1 when a daemon checker rejects the rendered config, and writes nothing', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    // A checker that rejects everything, found first on PATH: the CLI's handling of a rejection is what is tested.
    const bin = join(dir.path, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'haproxy'), '#!/bin/sh\necho "[ALERT] (1) : config : parsing [$4:1] : unknown keyword \'bogus\'"\nexit 1\n', {
      mode: 0o755,
    });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const r = await cli(['dev', '--config', config], dir.path);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^rejected: lb-1: haproxy -c:\n {4}\[ALERT\] \(1\) : config : parsing \[<node root>\/etc\/haproxy\/haproxy\.cfg:1\]/m,
      );
      expect(r.stdout).toMatch(/1 failed/);
      expect(existsSync(join(dir.path, 'out'))).toBe(false);
      // Issue #12: certificates are issued in memory and kept only after a render that succeeded.
      expect(existsSync(join(config, '.pki'))).toBe(false);
    } finally {
      process.env.PATH = path;
    }
  });

  it('does not run a checker again on inputs it already passed (cache under node_modules/.cache)', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    mkdirSync(join(dir.path, 'node_modules'));
    const first = await cli(['dev', '--config', config], dir.path);
    expect(first.stdout).toMatch(/^checks: (\d+) passed, 0 failed$/m);
    expect(existsSync(join(dir.path, 'node_modules/.cache/chatops-render/checks.json'))).toBe(true);
    const second = await cli(['dev', '--config', config], dir.path);
    const passed = /^checks: (\d+) passed/m.exec(first.stdout)?.[1];
    expect(second.stdout).toContain(`checks: ${passed} passed (${passed} unchanged since they last passed), 0 failed`);
    // A changed input runs the checkers again.
    const dev = join(config, 'environments/dev.yaml');
    writeFileSync(dev, readFileSync(dev, 'utf8').replace('instancesPerNode: 1', 'instancesPerNode: 2'));
    const third = await cli(['dev', '--config', config], dir.path);
    expect(third.stdout).toMatch(/^checks: \d+ passed, 0 failed$/m);
  });

  it('--check renders and validates in memory and creates nothing', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    const r = await cli(['dev', '--config', config, '--check'], dir.path);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/check only: nothing written/);
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
    expect(existsSync(join(config, '.pki'))).toBe(false);
  });

  it('--json prints a machine-readable summary', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    const r = await cli(['dev', '--config', config, '--check', '--json'], dir.path);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ environment: 'dev', ok: true, written: null });
    expect(Object.keys(summary.nodes)).toEqual(['lb-1', 'chatops-1', 'monitoring-1', 'elastic-1']);
  });

  it('warns about an image not pinned by digest; --strict refuses it (exit 2, nothing written); prod passes --strict', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    expect(await cli(['prod', '--config', config, '--check', '--strict'], dir.path)).toMatchObject({ code: 0, stderr: '' });
    const prod = join(config, 'environments/prod.yaml');
    const text = readFileSync(prod, 'utf8');
    const line = text.split('\n').findIndex((l) => l.startsWith('  image: ')) + 1;
    writeFileSync(prod, text.replace(/^ {2}image: .*$/m, '  image: harbor.stfc.ac.uk/stfc-cloud/cloud-chatops:latest'));
    const warned = await cli(['prod', '--config', config, '--check'], dir.path);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toBe(
      `warning: config/environments/prod.yaml:${line}: chatops.image: the image harbor.stfc.ac.uk/stfc-cloud/cloud-chatops:latest is not pinned by digest: use harbor.stfc.ac.uk/stfc-cloud/cloud-chatops:latest@sha256:<digest> (docker buildx imagetools inspect prints it)\n`,
    );
    const strict = await cli(['prod', '--config', config, '--strict'], dir.path);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toMatch(
      new RegExp(`^error: config/environments/prod.yaml:${line}: chatops.image: the image .* is not pinned by digest`),
    );
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
    expect(existsSync(join(config, '.pki'))).toBe(false);
  });

  it('exits 2 on bad input, names file, line and path, writes nothing', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    const prod = join(config, 'environments/prod.yaml');
    writeFileSync(prod, readFileSync(prod, 'utf8').replace('address: 10.0.0.10', 'address: lb.example.org'));
    const r = await cli(['prod', '--config', config], dir.path);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatchInlineSnapshot(`
      "error: config/environments/prod.yaml:10: nodes.lb-1.address: expected an IPv4 address
      "
    `);
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
    expect(existsSync(join(config, '.pki'))).toBe(false);
  });

  it('exits 2 for a value no output format can carry (issue #12: an onNode path injected ExecStartPre=)', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    const prod = join(config, 'environments/prod.yaml');
    const injected = `"/etc/chatops/secrets/lw\\nExecStartPre=/bin/sh -c 'touch /tmp/pwned'"`;
    writeFileSync(
      prod,
      readFileSync(prod, 'utf8').replace('{ onNode: /etc/chatops/secrets/logstash-writer-password }', `{ onNode: ${injected} }`),
    );
    const r = await cli(['prod', '--config', config], dir.path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatchInlineSnapshot(`
      "error: config/environments/prod.yaml:107: elastic.logstashPassword.onNode: expected an absolute path of letters, digits and / . _ - + @ , : ~; found a newline
      "
    `);
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
    expect(existsSync(join(config, '.pki'))).toBe(false);
  });

  it('reports an internal error as a bug: exit 70, the stack only with --debug', async () => {
    using dir = tempDir();
    // A real unexpected failure: the output stream breaks while the schema is printed.
    const run = async (args: string[]) => {
      let stderr = '';
      const io: CliIo = {
        cwd: dir.path,
        env: {},
        stdout: () => {
          throw new Error('stdout closed');
        },
        stderr: (t) => (stderr += t),
      };
      return { code: await runCli(args, io), stderr };
    };
    const plain = await run(['schema']);
    expect(plain.code).toBe(70);
    expect(plain.stderr).toMatchInlineSnapshot(`
      "internal error (this is a bug): stdout closed
      run again with --debug for the stack trace, and report it
      "
    `);
    const debug = await run(['schema', '--debug']);
    expect(debug.code).toBe(70);
    expect(debug.stderr).toMatch(/^internal error \(this is a bug\): stdout closed\nError: stdout closed\n\s+at /);
  });

  it('exits 2 for an unknown environment or option', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    expect((await cli(['staging', '--config', config], dir.path)).stderr).toMatch(/^error: no environment staging in /);
    expect((await cli(['staging', '--config', config], dir.path)).code).toBe(2);
    const unknown = await cli(['prod', '--frobnicate'], dir.path);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--frobnicate'/);
  });

  it('runs as a process: exit code 2 and no stack trace for bad input', () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    const prod = join(config, 'environments/prod.yaml');
    writeFileSync(
      prod,
      readFileSync(prod, 'utf8').replace(
        'passwordHash: $2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy',
        'passwordHash: hunter2',
      ),
    );
    const r = spawnSync(
      join(REPO, 'node_modules/.bin/tsx'),
      ['--conditions=@chatops/source', join(REPO, 'packages/render/src/cli.ts'), 'prod', '--config', config],
      {
        cwd: dir.path,
        encoding: 'utf8',
        env: { ...process.env, CI: '' },
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/prod\.yaml:44: users\.admin\.passwordHash: expected a password hash/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('chatops-render --config <file>', () => {
  it('keeps the PKI next to a file that is not in an environments/ directory, never in a shared parent', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    // Same depth as environments/ (the example's secrets are ../secrets/...), another name.
    const own = join(config, 'team-a');
    cpSync(join(config, 'environments'), own, { recursive: true });
    const r = await cli(['dev', '--config', join(own, 'dev.yaml'), '--out', join(dir.path, 'out')], dir.path);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(own, '.pki', 'dev'))).toBe(true);
    expect(existsSync(join(config, '.pki'))).toBe(false);
  });
});

describe('chatops-render schema / certs', () => {
  it('prints the environment JSON Schema', async () => {
    const r = await cli(['schema'], REPO);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(environmentJsonSchema());
  });

  it('lists every certificate with its expiry, from where render keeps them', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    // A file whose `name:` differs from its file name: render and certs agree on `.pki/<name>`.
    writeFileSync(join(config, 'environments/renamed.yaml'), 'extends: dev.yaml\nname: dev-renamed\n');
    expect((await cli(['certs', 'renamed', '--config', config], dir.path)).stdout).toMatch(/no certificates yet for renamed/);
    expect((await cli(['renamed', '--config', config], dir.path)).code).toBe(0);
    expect(existsSync(join(config, '.pki/dev-renamed'))).toBe(true);
    for (const args of [
      ['certs', 'renamed', '--config', config],
      ['certs', 'x', '--config', join(config, 'environments/renamed.yaml')],
    ]) {
      expect((await cli(args, dir.path)).stdout).not.toMatch(/no certificates yet/);
    }
    const r = await cli(['certs', 'renamed', '--config', config], dir.path);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ca\s+\d{4}-\d{2}-\d{2}\s+\d+ days/);
    expect(lines.some((l) => /^public\s.*dev-cloud-chatops\.nubes\.rl\.ac\.uk \*\.dev-cloud-chatops\.nubes\.rl\.ac\.uk$/.test(l))).toBe(
      true,
    );
  });
});
