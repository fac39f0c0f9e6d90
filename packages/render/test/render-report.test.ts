import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { EXAMPLE, cli, exampleCopy } from './_cli.js';

/** The dev environment reads its secrets from these files. */
const devSecrets = readdirSync(join(EXAMPLE, 'secrets/dev'))
  .filter((f) => f !== 'README.md')
  .map((f) => readFileSync(join(EXAMPLE, 'secrets/dev', f), 'utf8').trim());

describe('chatops-render <env> --report', () => {
  it('writes out/<env>/report/index.html with the configs, leaves it alone when unchanged, and drops it on a render without --report', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    const first = await cli(['dev', '--config', config, '--report'], dir.path);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^wrote out\/dev\nreport: out\/dev\/report\/index\.html\n$/m);

    const file = join(dir.path, 'out/dev/report/index.html');
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    for (const id of ['diagram-services', 'diagram-external-tls', 'diagram-internal-tls'])
      expect(html).toMatch(new RegExp(`<figure id="${id}">(<!--[^]*?-->\\s*)*<svg`));
    for (const id of ['routes', 'certificates', 'alerts', 'files']) expect(html).toMatch(new RegExp(`<section id="${id}">[^]*?<table>`));
    // The manifest still lists nodes only: the report is no node.
    expect(Object.keys(JSON.parse(readFileSync(join(dir.path, 'out/dev/manifest.json'), 'utf8')).nodes)).not.toContain('report');

    // No secret reaches the report: no secret file's value, no private key, no password hash.
    for (const v of devSecrets) expect(html).not.toContain(v);
    expect(html).not.toMatch(/PRIVATE KEY|\$2[aby]\$|\$6\$/);

    const mtime = statSync(file).mtimeMs;
    const second = await cli(['dev', '--config', config, '--report'], dir.path);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^unchanged: out\/dev\nreport: out\/dev\/report\/index\.html$/m);
    expect(statSync(file).mtimeMs).toBe(mtime);

    // A render without --report leaves no stale report behind.
    const third = await cli(['dev', '--config', config], dir.path);
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/^wrote out\/dev$/m);
    expect(third.stdout).not.toMatch(/report/);
    expect(existsSync(join(dir.path, 'out/dev/report'))).toBe(false);
  });

  it('--check --report builds the report in memory and writes nothing; --json names the report', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    const check = await cli(['dev', '--config', config, '--report', '--check', '--json'], dir.path);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: true, written: null, report: null });
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
    expect(existsSync(join(config, '.pki'))).toBe(false);

    const written = await cli(['dev', '--config', config, '--report', '--json'], dir.path);
    expect(JSON.parse(written.stdout)).toMatchObject({ ok: true, written: 'out/dev', report: 'out/dev/report/index.html' });
  });

  it('exits 2 when a node is named report (its files would mix with the report)', async () => {
    using dir = tempDir();
    const config = exampleCopy(dir.path);
    const dev = join(config, 'environments/dev.yaml');
    writeFileSync(dev, readFileSync(dev, 'utf8').replaceAll('elastic-1', 'report'));
    const r = await cli(['dev', '--config', config, '--report'], dir.path);
    expect(r.stderr).toMatch(/^error: --report writes out\/dev\/report\/index\.html, which would mix with the files of node report/);
    expect(r.code).toBe(2);
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
  });
});
