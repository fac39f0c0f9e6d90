import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Artifact, ConfigError } from '@chatops/core';
import { type NodeSpec, type Role, type ServiceName, nodeWithRole } from '@chatops/environment';
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

/** One service's artifacts on the node of `role`, from the example rendered by `renderExample`. */
export interface RenderedService extends RenderedExample {
  readonly node: NodeSpec;
  readonly artifacts: readonly Artifact[];
}

export async function renderedService(
  name: 'prod' | 'dev',
  role: Role,
  service: ServiceName,
  options: { pathPrefix?: string } = {},
): Promise<RenderedService> {
  const { ctx, result } = await renderExample(name, options);
  const node = nodeWithRole(ctx.env, role);
  const artifacts = (result.bundles.get(node.name) ?? []).filter((a) => a.service === service);
  return { ctx, result, node, artifacts };
}

/**
 * What a package's golden files hold of its artifacts (certificates left out): a listing with mode, owner, group,
 * secrecy and action, and the non-secret files whose content is compared.
 */
export function goldenFiles(artifacts: readonly Artifact[]): { listing: string[]; contents: Artifact[] } {
  const files = artifacts.filter((a) => !a.path.startsWith('/etc/chatops/tls/'));
  return {
    listing: files.map((a) => `${a.mode} ${a.owner}:${a.group} ${a.secret ? 'secret ' : ''}${a.action} ${a.path}`),
    contents: files.filter((f) => !f.secret),
  };
}

/** The JSON value of each line of a command's `--json` output (one event a line). */
// biome-ignore lint/suspicious/noExplicitAny: events of several shapes, asserted on by the tests
export function jsonLines(text: string): any[] {
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
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

/** The message of the ConfigError a function throws (`'no error'` when it throws none); any other error is rethrown. */
export function configErrorMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return 'no error';
}
