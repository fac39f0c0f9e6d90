import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RenderContext } from '@chatops/environment';
import { type NodeCheck, renderStack, writeArtifacts } from '@chatops/stack';

export interface CheckOutcome {
  readonly node: string;
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'unavailable';
  /** Checker output (for failures), with the scratch directory replaced by `<node root>`. */
  readonly output: string;
}

/**
 * Runs every daemon's own checker: renders the stack again under a scratch path prefix, writes the real files
 * there (certificates included), runs the checks in parallel, and removes the scratch directory.
 */
export async function runNativeChecks(ctx: RenderContext): Promise<CheckOutcome[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'chatops-check-'));
  try {
    const scratchCtx: RenderContext = { ...ctx, env: { ...ctx.env, pathPrefix: join(scratch, '{node}') } };
    const result = renderStack(scratchCtx);
    for (const artifacts of result.bundles.values()) writeArtifacts(artifacts);
    return await mapLimited(result.checks, availableParallelism(), (check) => runCheck(check, join(scratch, check.node)));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runCheck(check: NodeCheck, nodeRoot: string): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    execFile(check.command, [...check.args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.replaceAll(nodeRoot, '<node root>').trim();
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        resolve({ node: check.node, name: check.name, status: 'unavailable', output: `${check.command} is not installed` });
      } else {
        resolve({ node: check.node, name: check.name, status: error ? 'failed' : 'passed', output });
      }
    });
  });
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
