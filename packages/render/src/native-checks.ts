import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RenderContext } from '@chatops/environment';
import { renderStack, writeArtifacts } from '@chatops/stack';

export interface CheckOutcome {
  readonly node: string;
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'unavailable';
  /** Checker output (for failures), with the scratch directory replaced by `<node root>`. */
  readonly output: string;
}

/**
 * Runs every daemon's own checker: renders the stack again under a scratch path prefix, writes the real files
 * there (certificates included), runs the checks, and removes the scratch directory.
 */
export function runNativeChecks(ctx: RenderContext): CheckOutcome[] {
  const scratch = mkdtempSync(join(tmpdir(), 'chatops-check-'));
  try {
    const scratchCtx: RenderContext = { ...ctx, env: { ...ctx.env, pathPrefix: join(scratch, '{node}') } };
    const result = renderStack(scratchCtx);
    for (const artifacts of result.bundles.values()) writeArtifacts(artifacts);
    return result.checks.map((check) => {
      const r = spawnSync(check.command, check.args, { encoding: 'utf8', timeout: 60_000 });
      const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.replaceAll(join(scratch, check.node), '<node root>').trim();
      if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { node: check.node, name: check.name, status: 'unavailable', output: `${check.command} is not installed` };
      }
      return { node: check.node, name: check.name, status: r.status === 0 ? 'passed' : 'failed', output };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
