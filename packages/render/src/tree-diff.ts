import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Manifest, ManifestArtifact, StackResult } from '@chatops/stack';
import { createTwoFilesPatch } from 'diff';
import { UsageError } from './locate-environment.js';
import { hasPem, stablePkiText } from './stable-pki.js';

export interface FileDifference {
  readonly node: string;
  readonly path: string;
  readonly status: 'added' | 'removed' | 'changed' | 'changed (secret)' | 'mode' | 'missing from the tree';
  /** Unified diff (never for a secret). */
  readonly diff?: string;
  /** `mode 0644 -> 0600`, `owner root:root -> root:haproxy`. */
  readonly meta?: string;
}

export interface TreeDiff {
  /** The tree compared against (`<dir>` or `<dir>/<env>`: the one holding manifest.json). */
  readonly dir: string;
  readonly differences: readonly FileDifference[];
  /** Files whose bytes differ only by certificates or keys re-issued with the same subject, issuer, names and key type. */
  readonly reissued: number;
  /** Secret files listed in the tree's manifest but not present in it (not committed): not compared. */
  readonly secretsNotInTree: number;
}

/**
 * Compares a render with a tree `render --out` wrote before (`<dir>/manifest.json`, or `<dir>/<env>/manifest.json`,
 * and `<node>/<path>` beside it). PKI material is compared by what it says (`stablePkiText`), not by its bytes;
 * a secret's content is never shown, only "changed (secret)".
 */
export function diffTree(dir: string, envName: string, result: StackResult, manifest: Manifest, shownAs = dir): TreeDiff {
  const root = [dir, join(dir, envName)].find((d) => existsSync(join(d, 'manifest.json')));
  if (!root) throw new UsageError(`--diff ${shownAs}: not a rendered tree (no manifest.json in ${shownAs} or ${join(shownAs, envName)})`);
  let before: Manifest;
  try {
    before = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Manifest;
    if (typeof before.nodes !== 'object' || before.nodes === null) throw new Error('no nodes');
  } catch (e) {
    throw new UsageError(
      `--diff ${shownAs}: ${join(root, 'manifest.json')} is not a render manifest (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const differences: FileDifference[] = [];
  let reissued = 0;
  let secretsNotInTree = 0;
  const nodes = [...new Set([...Object.keys(manifest.nodes), ...Object.keys(before.nodes)])];
  for (const node of nodes) {
    const now = new Map((result.bundles.get(node) ?? []).map((a) => [a.path, a]));
    const nowMeta = new Map((manifest.nodes[node]?.artifacts ?? []).map((a) => [a.path, a]));
    const then = new Map((before.nodes[node]?.artifacts ?? []).map((a) => [a.path, a]));
    const paths = [...new Set([...now.keys(), ...then.keys()])].sort();
    for (const path of paths) {
      const a = now.get(path);
      const old = then.get(path);
      const file = join(root, node, path);
      const label = `${node}${path}`;
      if (!old) {
        if (a)
          differences.push({
            node,
            path,
            status: 'added',
            ...(a.secret ? {} : { diff: patch(`/dev/null`, `b/${label}`, '', stablePkiText(a.content)) }),
          });
        continue;
      }
      const secret = old.secret || (a?.secret ?? false);
      const present = existsSync(file);
      if (!a) {
        const content = present && !secret ? stablePkiText(readFileSync(file, 'utf8')) : undefined;
        differences.push({
          node,
          path,
          status: 'removed',
          ...(content !== undefined ? { diff: patch(`a/${label}`, '/dev/null', content, '') } : {}),
        });
        continue;
      }
      const meta = metaChange(old, nowMeta.get(path));
      if (!present) {
        if (secret) secretsNotInTree++;
        else differences.push({ node, path, status: 'missing from the tree' });
        if (meta) differences.push({ node, path, status: 'mode', meta });
        continue;
      }
      const raw = readFileSync(file, 'utf8');
      if (raw === a.content) {
        if (meta) differences.push({ node, path, status: 'mode', meta });
        continue;
      }
      const was = stablePkiText(raw);
      const is = stablePkiText(a.content);
      if (was === is) {
        if (hasPem(raw)) reissued++;
        if (meta) differences.push({ node, path, status: 'mode', meta });
        continue;
      }
      differences.push(
        secret
          ? { node, path, status: 'changed (secret)', ...(meta ? { meta } : {}) }
          : { node, path, status: 'changed', diff: patch(`a/${label}`, `b/${label}`, was, is), ...(meta ? { meta } : {}) },
      );
    }
  }
  return { dir: root, differences, reissued, secretsNotInTree };
}

/** The text `render --diff` prints: unified diffs per node and file, secrets as a line, then a summary. */
export function formatTreeDiff(d: TreeDiff, cwd: string): string {
  const out: string[] = [];
  for (const f of d.differences) {
    const where = `${f.node}:${f.path}`;
    if (f.diff) out.push(f.status === 'changed' ? f.diff : `${where}: ${f.status}\n${f.diff}`);
    else if (f.status === 'mode') out.push(`${where}: ${f.meta}`);
    else out.push(`${where}: ${f.status}`);
    if (f.meta && f.status !== 'mode') out.push(`${where}: ${f.meta}`);
  }
  const files = new Set(d.differences.map((f) => `${f.node}\0${f.path}`)).size;
  const nodes = new Set(d.differences.map((f) => f.node)).size;
  const tree = relative(cwd, d.dir) || '.';
  const notes = [
    d.reissued
      ? `${d.reissued} file(s) differ only by re-issued certificates or keys (same subject, issuer, names and key type): not shown`
      : '',
    d.secretsNotInTree ? `${d.secretsNotInTree} secret file(s) are not in the tree: not compared` : '',
  ].filter(Boolean);
  out.push(files === 0 ? `no difference from ${tree}` : `${files} file(s) differ from ${tree} on ${nodes} node(s)`);
  for (const n of notes) out.push(`note: ${n}`);
  return `${out.join('\n')}\n`;
}

function patch(from: string, to: string, before: string, after: string): string {
  return createTwoFilesPatch(from, to, before, after, undefined, undefined, { context: 3 })
    .split('\n')
    .slice(1) // the "Index:"/"===" preamble
    .filter((l) => !/^={10,}$/.test(l))
    .join('\n')
    .trimEnd();
}

function metaChange(old: ManifestArtifact, now: ManifestArtifact | undefined): string | undefined {
  if (!now) return undefined;
  const parts: string[] = [];
  if (old.mode !== now.mode) parts.push(`mode ${old.mode} -> ${now.mode}`);
  if (old.owner !== now.owner || old.group !== now.group) parts.push(`owner ${old.owner}:${old.group} -> ${now.owner}:${now.group}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
