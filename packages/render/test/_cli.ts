import { join } from 'node:path';
import { type CliIo, runCli } from '@chatops/render';
import { exampleConfigCopy } from '@chatops/testing';

/** The repository root and its example config. */
export const REPO = join(__dirname, '../../..');
export const EXAMPLE = join(REPO, 'examples/cloud-chatops');

/** A copy of the example config (environments + dev secrets, no PKI state) in a scratch dir. */
export const exampleCopy = exampleConfigCopy;

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
