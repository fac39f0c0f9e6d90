import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import type { CliIo } from '../src/run-cli.js';

const REPO = join(__dirname, '../../..');
const EXAMPLE = join(REPO, 'examples/cloud-chatops');
const RENDERING = /^chatops-render: rendering: (.*)$/m;

/** A working tree with node_modules/ (where records live) and a copy of the example config. */
function workTree(dir: string): string {
  mkdirSync(join(dir, 'node_modules'));
  const root = join(dir, 'config');
  cpSync(join(EXAMPLE, 'environments'), join(root, 'environments'), { recursive: true });
  cpSync(join(EXAMPLE, 'secrets'), join(root, 'secrets'), { recursive: true });
  return root;
}

/** Runs the command as `chatops-render` does; `rendered` says why it rendered (undefined: it replayed). */
async function run(args: string[], cwd: string, options: { env?: Record<string, string>; now?: Date } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    cwd,
    env: { CHATOPS_DEBUG: '1', ...options.env },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    ...(options.now ? { now: options.now } : {}),
  };
  const code = await main(args, io);
  const rendered = RENDERING.exec(stderr)?.[1];
  return { code, stdout, stderr: stderr.replace(RENDERING, '').replace(/^\n/, ''), rendered };
}

/** Sets a file's content back to what it was with its old times: only its bytes (or inode change time) tell. */
function editKeepingTimes(file: string, edit: (text: string) => string): () => void {
  const before = readFileSync(file, 'utf8');
  const st = statSync(file);
  const after = edit(before);
  expect(Buffer.byteLength(after)).toBe(Buffer.byteLength(before));
  writeFileSync(file, after);
  utimesSync(file, st.atime, st.mtime);
  return () => {
    writeFileSync(file, before);
    utimesSync(file, st.atime, st.mtime);
  };
}

describe('chatops-render replays a render when nothing it read has changed', () => {
  it('prints, byte for byte, what a full render with nothing changed prints (text and --json)', async () => {
    using dir = tempDir();
    const config = workTree(dir.path);
    const args = ['dev', '--config', config];
    const first = await run(args, dir.path);
    expect(first.code).toBe(0);
    expect(first.rendered).toBe('no record of this command');
    expect(first.stdout).toMatch(/^wrote out\/dev$/m);

    const replayed = await run(args, dir.path);
    expect(replayed.rendered).toBeUndefined();
    const full = await run([...args, '--full'], dir.path);
    expect(full.rendered).toBe('--full given');
    expect(full.stdout).toMatch(/^unchanged: out\/dev$/m);
    expect(full.stdout).toMatch(/^certificates: all reused$/m);
    expect(replayed).toEqual({ ...full, rendered: undefined });

    const json = [...args, '--json'];
    expect((await run(json, dir.path)).rendered).toBe('no record of this command');
    const jsonReplayed = await run(json, dir.path);
    expect(jsonReplayed.rendered).toBeUndefined();
    const jsonFull = await run([...json, '--full'], dir.path);
    expect(jsonReplayed.stdout).toBe(jsonFull.stdout);
    expect(JSON.parse(jsonReplayed.stdout)).toMatchObject({ changed: false, issuedCertificates: [] });
  });

  it('renders again when an input, the clock, the output or the code changed, and says which', async () => {
    using dir = tempDir();
    const config = workTree(dir.path);
    const args = ['dev', '--config', config];
    const envFile = join(config, 'environments/dev.yaml');
    const expectRendered = async (why: RegExp, options: { env?: Record<string, string>; now?: Date } = {}) => {
      const r = await run(args, dir.path, options);
      expect(r.code).toBe(0);
      expect(r.rendered).toMatch(why);
      expect((await run(args, dir.path, options)).rendered).toBeUndefined();
      return r;
    };
    await run(args, dir.path);
    expect((await run(args, dir.path)).rendered).toBeUndefined();

    // The environment file, same size and same mtime: its bytes tell.
    const restore = editKeepingTimes(envFile, (t) => t.replace('instancesPerNode: 1', 'instancesPerNode: 2'));
    expect((await expectRendered(new RegExp(`${envFile} changed \\(read\\)`))).stdout).toMatch(/^wrote out\/dev$/m);
    restore();
    await expectRendered(/dev\.yaml changed/);

    // A secret file it reads.
    const secret = join(config, 'secrets/dev/slack-webhook-url');
    editKeepingTimes(secret, (t) => t.replace('hooks', 'hookz'));
    expect((await expectRendered(/slack-webhook-url changed \(read\)/)).stdout).toMatch(/^wrote out\/dev$/m);

    // The PKI state: a certificate removed is issued again.
    const pki = join(config, '.pki/dev');
    const cert = readdirSync(pki).find((f) => f.endsWith('__prometheus.cert.pem'))!;
    rmSync(join(pki, cert));
    expect((await expectRendered(new RegExp(`${cert} changed`))).stdout).toMatch(/^certificates: issued 1 /m);

    // An environment variable it reads (CI makes an unavailable checker an error).
    await expectRendered(/environment variable CI changed/, { env: { CI: 'true' } });
    await expectRendered(/environment variable CI changed/);

    // The output: a rendered file edited back to the same bytes is a change (its inode changed), so is a stray file.
    const out = join(dir.path, 'out/dev');
    const rendered = readdirSync(out, { recursive: true, withFileTypes: true }).find((e) => e.isFile() && e.name.endsWith('.yml'))!;
    const file = join(rendered.parentPath, rendered.name);
    writeFileSync(file, readFileSync(file));
    expect((await expectRendered(/out\/dev changed/)).stdout).toMatch(/^wrote out\/dev$/m);
    writeFileSync(join(out, 'stray'), 'x');
    await expectRendered(/out\/dev changed/);
    expect(existsSync(join(out, 'stray'))).toBe(false);

    // The clock: inside a renewal window a certificate decision is due; a clock set back is not trusted either.
    const later = new Date(Date.now() + 5 * 365 * 86_400_000);
    const r = await run(args, dir.path, { now: later });
    expect(r.rendered).toMatch(/a certificate decision is due/);
    expect(r.stdout).toMatch(/^certificates: issued /m);
    expect((await run(args, dir.path, { now: new Date(Date.now() - 86_400_000) })).rendered).toMatch(
      /the clock is before the recorded render/,
    );

    // The code that renders.
    const source = join(__dirname, '../src/render-summary.ts');
    const st = statSync(source);
    try {
      utimesSync(source, st.atime, new Date(st.mtimeMs + 1000));
      const changed = await run(args, dir.path);
      expect(changed.rendered).toMatch(/the @chatops packages or their dependencies changed/);
    } finally {
      utimesSync(source, st.atime, st.mtime);
    }
  });

  it('keeps no record of a failed render, of --check, or of --diff', async () => {
    using dir = tempDir();
    const config = workTree(dir.path);
    const args = ['dev', '--config', config];
    await run(args, dir.path);
    const envFile = join(config, 'environments/dev.yaml');
    const good = readFileSync(envFile, 'utf8');
    writeFileSync(envFile, good.replace('instancesPerNode: 1', 'instancesPerNode: many'));
    expect((await run(args, dir.path)).code).toBe(2);
    writeFileSync(envFile, good);
    // The failed run dropped the record: the exact old input renders in full again.
    expect((await run(args, dir.path)).rendered).toBe('no record of this command');

    for (const extra of [['--check'], ['--diff', join(dir.path, 'out')]]) {
      await run([...args, ...extra], dir.path);
      expect((await run([...args, ...extra], dir.path)).rendered).toBe('no record of this command');
    }
  });

  it('keeps no secret in a record: digests are keyed with a key beside the CA key', async () => {
    using dir = tempDir();
    const config = workTree(dir.path);
    await run(['dev', '--config', config], dir.path);
    const records = join(dir.path, 'node_modules/.cache/chatops-render/renders');
    const [file] = readdirSync(records);
    const text = readFileSync(join(records, file!), 'utf8');
    expect(statSync(join(records, file!)).mode & 0o777).toBe(0o600);
    expect(statSync(join(config, '.pki/dev/render-record.key')).mode & 0o777).toBe(0o600);
    const secretsDir = join(config, 'secrets/dev');
    const secrets = readdirSync(secretsDir)
      .filter((f) => !f.endsWith('.md'))
      .map((f) => readFileSync(join(secretsDir, f)));
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      const value = secret.toString('utf8').trim();
      expect(text).not.toContain(value);
      for (const encoding of ['hex', 'base64', 'base64url'] as const) {
        expect(text).not.toContain(createHash('sha256').update(secret).digest(encoding));
      }
    }
  });
});
