import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colorWanted } from '../src/help-text.js';
import { REPO, cli as runInProcess } from './_cli.js';

const VERSION = (JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as { version: string }).version;

const cli = (args: string[], options: { color?: boolean } = {}) => runInProcess(args, REPO, {}, options);

/** The long flags a command's own help lists (commander's Options: section). */
function flagsOf(help: string): string[] {
  const options = help.split('\nOptions:\n')[1]?.split('\n\n')[0] ?? '';
  return [...options.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1] as string).filter((f) => f !== '--help');
}

describe('chatops-render --help', () => {
  it('the overview (snapshot) shows every command with its arguments, flags and an example, exit codes and the lookup', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    await expect(r.stdout).toMatchFileSnapshot('__snapshots__/help/overview.txt');
    for (const command of ['render', 'certs', 'schema']) {
      const own = await cli([command, '--help']);
      expect(own.code).toBe(0);
      await expect(own.stdout).toMatchFileSnapshot(`__snapshots__/help/${command}.txt`);
      // Every flag a command takes is in the overview too, under that command (a new flag cannot be forgotten).
      const section =
        r.stdout.split(/\n\n/).find((s) => s.split('\n').some((l) => l === `  ${command}` || l.startsWith(`  ${command} <`))) ?? '';
      for (const flag of flagsOf(own.stdout)) expect(section, `${command} ${flag}`).toContain(flag);
      expect(section, command).toMatch(/\$ chatops-render /);
      expect(own.stdout).toMatch(/^Examples:\n {2}\$ chatops-render /m);
      expect(own.stdout).toMatch(/^Exit codes:\n {2}0 /m);
    }
    expect(r.stdout).toMatch(/^Exit codes:$/m);
    expect(r.stdout).toMatch(/^Where environments are found/m);
    expect((await cli(['help', 'certs'])).stdout).toBe((await cli(['certs', '--help'])).stdout);
  });

  it('--version prints the package version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect((await cli(['-V'])).stdout).toBe(`${VERSION}\n`);
  });

  it('styles headings only on a terminal without NO_COLOR; text is otherwise identical', async () => {
    expect(colorWanted(true, {})).toBe(true);
    expect(colorWanted(false, {})).toBe(false);
    expect(colorWanted(undefined, {})).toBe(false);
    expect(colorWanted(true, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted(true, { TERM: 'dumb' })).toBe(false);
    for (const args of [['--help'], ['render', '--help']]) {
      const plain = await cli(args);
      const styled = await cli(args, { color: true });
      expect(plain.stdout).not.toContain('\x1b[');
      expect(styled.stdout).toContain('\x1b[1mExit codes:\x1b[22m');
      expect(styled.stdout.replace(/\x1b\[\d+m/g, '')).toBe(plain.stdout);
    }
  });

  it('as a process on a pipe (not a terminal): plain text', () => {
    const r = spawnSync(
      join(REPO, 'node_modules/.bin/tsx'),
      ['--conditions=@chatops/source', join(REPO, 'packages/render/src/cli.ts'), '--help'],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('\x1b[');
    expect(r.stdout).toMatch(/^chatops-render \d+\.\d+\.\d+: /);
  });

  it('an unknown flag or a mistyped command: exit 2, the closest one suggested', async () => {
    expect(await cli(['prod', '--chek'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("error: unknown option '--chek'\n(Did you mean --check?)"),
    });
    expect(await cli(['certs', 'prod', '--jsn'])).toMatchObject({ code: 2, stderr: expect.stringContaining('(Did you mean --json?)') });
    expect(await cli(['--verison'])).toMatchObject({ code: 2, stderr: expect.stringContaining('(Did you mean --version?)') });
    expect(await cli(['rendr', 'prod'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("error: unknown command 'rendr' (Did you mean render?)"),
    });
    expect(await cli(['cert', 'prod'])).toMatchObject({ code: 2, stderr: expect.stringContaining('(Did you mean certs?)') });
  });
});
