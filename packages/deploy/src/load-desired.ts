import { resolve } from 'node:path';
import { CheckCache, type CheckOutcome, locateEnvironment, runNativeChecks, writeOutput } from '@chatops/render';
import { type PreparedRender, type StackResult, buildManifest, prepareRender, renderStack } from '@chatops/stack';
import type { AppliedRecord } from './applied-record.js';
import { type DesiredState, desiredState } from './desired-state.js';

export interface LoadDesiredOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Environments root or environment file (as `chatops-render --config`). */
  readonly config?: string;
  /** Also write the rendered tree and manifest there (as `chatops-render --out`). @default nothing written */
  readonly out?: string;
  readonly now?: Date;
}

export interface LoadedDesired {
  readonly desired: DesiredState;
  /** Checker verdicts of the local render; deploy refuses when one failed. */
  readonly rejected: readonly CheckOutcome[];
  /** The render itself (what `plan --report` draws). */
  readonly rendered: { readonly ctx: PreparedRender; readonly result: StackResult };
  /** Where this machine keeps its {@link AppliedRecord} of the environment: `<root>/.deploy/<env>.json`. */
  readonly recordFile: string;
}

/**
 * Renders the environment in memory exactly as `chatops-render` does (same environment lookup, same PKI state
 * under `<root>/.pki/<env>`, same local checker run) and turns it into apply steps. Throws `ConfigError` for bad
 * input; returns the rejected checks when a daemon's checker refuses the render.
 */
export async function loadDesired(name: string, options: LoadDesiredOptions): Promise<LoadedDesired> {
  const located = locateEnvironment(name, { config: options.config, cwd: options.cwd });
  const ctx = await prepareRender(located.file, {
    cwd: options.cwd,
    env: options.env,
    // The PKI state where render keeps it (`defaultPkiDir`: <root>/.pki/<environment name>), one rule for both.
    pkiRoot: located.root,
    persistPki: true,
    now: options.now,
  });
  const result = renderStack(ctx);
  const outcomes = await runNativeChecks(ctx, result, { cache: CheckCache.open(options.cwd) });
  const rejected = outcomes.filter((o) => o.status === 'failed' || (o.status === 'unavailable' && Boolean(options.env.CI)));
  if (options.out && rejected.length === 0)
    writeOutput(resolve(options.cwd, options.out), ctx.env.name, result, buildManifest(ctx.env, result));
  return {
    desired: desiredState(ctx, result),
    rejected,
    rendered: { ctx, result },
    recordFile: resolve(located.root, '.deploy', `${name}.json`),
  };
}
