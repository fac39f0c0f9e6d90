import { runDeployCli } from '@chatops/deploy';
import { describe, expect, it } from 'vitest';

async function help(args: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await runDeployCli(args, { cwd: process.cwd(), env: {}, stdout: (t) => (text += t), stderr: (t) => (text += t) });
  return { code, text };
}

describe('chatops-deploy --help', () => {
  it('names every command, the exit codes and examples', async () => {
    const { code, text } = await help(['--help']);
    expect(code).toBe(0);
    for (const c of ['plan [options] <env>', 'apply [options] <env>', 'export-ansible [options] <env>']) expect(text).toContain(c);
    expect(text).toMatch(/plan +0 nothing to do, 2 changes or drift, 1 preflight failed/);
    expect(text).toMatch(/apply +0 applied or nothing to do, 1 failed/);
    expect(text).toContain('2 bad input or usage');
    expect(text).toContain('70 internal error');
    expect(text).toContain('npx @chatops/deploy apply prod --yes --json');
  });

  it.each([
    [
      'plan',
      [
        '--config <dir|file>',
        '--out <dir>',
        '--node <name>',
        '--parallel <n>',
        '--json',
        '--force',
        '--debug',
        'npx @chatops/deploy plan prod',
      ],
    ],
    [
      'apply',
      [
        '--config <dir|file>',
        '--node <name>',
        '--parallel <n>',
        '--json',
        '--force',
        '--yes',
        '--check-all',
        'ChatOps instances one at a time',
        'npx @chatops/deploy apply prod --yes',
      ],
    ],
    ['export-ansible', ['--config <dir|file>', '--out <dir>', 'serial: 1', 'ansible-playbook -i inventory.ini playbook.yml']],
  ])('%s --help lists its flags, exit codes and an example', async (command, expected) => {
    const { code, text } = await help([command, '--help']);
    expect(code).toBe(0);
    expect(text).toContain('Exit codes:');
    for (const e of expected) expect(text).toContain(e);
  });
});
