import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PreparedRender, type StackResult, prepareRender, renderStack } from '@chatops/stack';
import { REPO } from './example-context.js';

export interface RenderedExample {
  readonly ctx: PreparedRender;
  readonly result: StackResult;
}

const cache = new Map<string, Promise<RenderedExample>>();

/**
 * The whole stack rendered from an example environment with a real, freshly issued PKI (in memory). Key
 * generation dominates, so each (environment, path prefix) is rendered once per test file and shared.
 */
export function renderExample(name: 'prod' | 'dev', options: { pathPrefix?: string } = {}): Promise<RenderedExample> {
  const key = `${name}\0${options.pathPrefix ?? ''}`;
  let rendered = cache.get(key);
  if (!rendered) {
    rendered = (async () => {
      const pkiDir = mkdtempSync(join(tmpdir(), 'example-pki-'));
      try {
        const ctx = await prepareRender(join(REPO, 'examples/cloud-chatops/environments', `${name}.yaml`), {
          pkiDir,
          persistPki: false,
          ...(options.pathPrefix ? { pathPrefix: options.pathPrefix } : {}),
        });
        return { ctx, result: renderStack(ctx) };
      } finally {
        rmSync(pkiDir, { recursive: true, force: true });
      }
    })();
    cache.set(key, rendered);
  }
  return rendered;
}

/** The message a function throws (`'no error'` when it does not), for inline snapshots of errors. */
export function errorMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return 'no error';
}
