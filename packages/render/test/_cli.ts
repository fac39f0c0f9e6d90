import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { type CliIo, runCli } from '@chatops/render';

/** The repository root and its example config. */
export const REPO = join(__dirname, '../../..');
export const EXAMPLE = join(REPO, 'examples/cloud-chatops');

/** A copy of the example config (environments + dev secrets, no PKI state) in a scratch dir. */
export function exampleCopy(dir: string): string {
  const root = join(dir, 'config');
  cpSync(join(EXAMPLE, 'environments'), join(root, 'environments'), { recursive: true });
  cpSync(join(EXAMPLE, 'secrets'), join(root, 'secrets'), { recursive: true });
  return root;
}

/** Runs `chatops-render` in this process with `args`, capturing what it writes. */
export async function cli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  io: Partial<CliIo> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { cwd, env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), ...io });
  return { code, stdout, stderr };
}
