import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RenderContext } from '@chatops/environment';
import { type NodeCheck, type StackOptions, type StackResult, renderStack, writeArtifacts } from '@chatops/stack';
import { CheckCache } from './check-cache.js';

export interface CheckOutcome {
  readonly node: string;
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'unavailable';
  /** Checker output (for failures), with the scratch directory replaced by `<node root>`. */
  readonly output: string;
  /** True when an identical earlier run passed and the checker was not run again. */
  readonly cached?: boolean;
}

export interface NativeCheckOptions extends StackOptions {
  /** Passes remembered from earlier runs. @default no cache */
  readonly cache?: CheckCache;
  /** Remember new passes in the cache. @default true */
  readonly updateCache?: boolean;
}

/**
 * Runs every daemon's own checker: renders the nodes that have checks to run again under a scratch path prefix,
 * writes their real files there (certificates included), runs the checks in parallel, and removes the scratch
 * directory. Checks that
 * passed before on identical inputs are not run again.
 */
export async function runNativeChecks(ctx: RenderContext, result: StackResult, options: NativeCheckOptions = {}): Promise<CheckOutcome[]> {
  const cache = options.cache;
  const keys = result.checks.map((check) => (cache ? CheckCache.key(check, result.bundles.get(check.node) ?? []) : undefined));
  if (cache && keys.every((k) => cache.has(k))) {
    return result.checks.map((c) => ({ node: c.node, name: c.name, status: 'passed', output: '', cached: true }));
  }
  const scratch = mkdtempSync(join(tmpdir(), 'chatops-check-'));
  try {
    const scratchCtx: RenderContext = { ...ctx, env: { ...ctx.env, pathPrefix: join(scratch, '{node}') } };
    // Only the nodes with a checker to run, and no stack checks (they passed on `result`): in a large fleet most
    // nodes have no native check, and writing their files would cost more than the checks themselves.
    const nodes = [...new Set(result.checks.filter((_, i) => !cache?.has(keys[i])).map((c) => c.node))];
    const scratchResult = renderStack(scratchCtx, { ...options, checks: [], nodes });
    for (const artifacts of scratchResult.bundles.values()) writeArtifacts(artifacts, '', { atomic: false }); // a fresh scratch directory
    // The scratch render's checks, in the same order per node as `result`'s (same renderers, same node).
    const scratchChecks = new Map<string, NodeCheck[]>();
    for (const c of scratchResult.checks)
      scratchChecks.set(`${c.node}\0${c.name}`, [...(scratchChecks.get(`${c.node}\0${c.name}`) ?? []), c]);
    const outcomes = await mapLimited(result.checks, availableParallelism(), (check, i) => {
      if (cache?.has(keys[i]))
        return Promise.resolve<CheckOutcome>({ node: check.node, name: check.name, status: 'passed', output: '', cached: true });
      const scratchCheck = scratchChecks.get(`${check.node}\0${check.name}`)?.shift();
      // With `services` given, only their checks run (a check of a service left out is not in the scratch render).
      if (!scratchCheck && options.services) return Promise.resolve<CheckOutcome | undefined>(undefined);
      if (!scratchCheck) throw new Error(`check ${check.name} on ${check.node} missing from the scratch render`);
      return runCheck(scratchCheck, join(scratch, check.node));
    });
    if (cache && options.updateCache !== false) {
      cache.save(outcomes.flatMap((o, i) => (o && o.status === 'passed' && !o.cached && keys[i] ? [keys[i]] : [])));
    }
    return outcomes.filter((o): o is CheckOutcome => o !== undefined);
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

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
