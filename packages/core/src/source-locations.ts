import { EVENT_ID, type Event, parseEvents } from 'js-yaml';
import type { DocumentPath } from './diagnostics.js';

/** Maps document paths to the 1-based line where their value starts. */
export type LineLocator = (path: DocumentPath) => number | undefined;

function lineAt(source: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Builds a locator from a YAML source by walking its parse events. A path that does not exist in the source (a
 * missing required key) resolves to its closest existing ancestor.
 */
export function yamlLineLocator(source: string): LineLocator {
  const offsets = new Map<string, number>();
  // Anchors (`&name`) by the path of the node they mark, and aliases (`*name`) by the path where they are used:
  // a path into an alias is located inside the anchored node, where its text is.
  const anchors = new Map<string, (string | number)[]>();
  const aliases = new Map<string, string>();
  const anchorName = (ev: { anchorStart: number; anchorEnd: number }) =>
    ev.anchorStart < 0 ? undefined : source.slice(ev.anchorStart, ev.anchorEnd).replace(/^[&*]/, '');
  let events: Event[];
  try {
    events = parseEvents(source, {});
  } catch {
    return () => undefined;
  }
  type Frame = { kind: 'map' | 'seq'; path: (string | number)[]; index: number; key: string | undefined; expectKey: boolean };
  const stack: Frame[] = [];
  const childPath = (): (string | number)[] | undefined => {
    const top = stack[stack.length - 1];
    if (!top) return [];
    if (top.kind === 'seq') return [...top.path, top.index];
    return top.expectKey ? undefined : [...top.path, top.key ?? ''];
  };
  const advance = () => {
    const top = stack[stack.length - 1];
    if (!top) return;
    if (top.kind === 'seq') top.index++;
    else top.expectKey = !top.expectKey;
  };
  for (const ev of events) {
    if (ev.type === EVENT_ID.SCALAR) {
      const top = stack[stack.length - 1];
      if (top?.kind === 'map' && top.expectKey) {
        top.key = source.slice(ev.valueStart, ev.valueEnd).replace(/^['"]|['"]$/g, '');
        offsets.set(JSON.stringify([...top.path, top.key]), ev.valueStart);
        top.expectKey = false;
        continue;
      }
      const p = childPath();
      if (p && !offsets.has(JSON.stringify(p))) offsets.set(JSON.stringify(p), ev.valueStart);
      const anchor = anchorName(ev);
      if (p && anchor !== undefined) anchors.set(anchor, p);
      advance();
    } else if (ev.type === EVENT_ID.MAPPING || ev.type === EVENT_ID.SEQUENCE) {
      const p = childPath() ?? [];
      if (!offsets.has(JSON.stringify(p))) offsets.set(JSON.stringify(p), ev.start);
      const anchor = anchorName(ev);
      if (anchor !== undefined) anchors.set(anchor, p);
      stack.push({ kind: ev.type === EVENT_ID.MAPPING ? 'map' : 'seq', path: p, index: 0, key: undefined, expectKey: true });
    } else if (ev.type === EVENT_ID.POP) {
      if (stack.length > 0) {
        stack.pop();
        advance();
      }
    } else if (ev.type === EVENT_ID.ALIAS) {
      const p = childPath();
      const anchor = anchorName(ev);
      if (p && anchor !== undefined) aliases.set(JSON.stringify(p), anchor);
      advance();
    }
  }
  /** The path inside the anchored node for a path that goes through an alias (the alias itself stays). */
  const throughAliases = (path: DocumentPath): DocumentPath => {
    let current = path;
    for (let hops = 0; hops < 32; hops++) {
      const n = [...Array(current.length).keys()].find((i) => i > 0 && aliases.has(JSON.stringify(current.slice(0, i))));
      const target = n === undefined ? undefined : anchors.get(aliases.get(JSON.stringify(current.slice(0, n)))!);
      if (n === undefined || !target) return current;
      current = [...target, ...current.slice(n)];
    }
    return current;
  };
  return (requested) => {
    const path = throughAliases(requested);
    for (let n = path.length; n >= 0; n--) {
      const offset = offsets.get(JSON.stringify(path.slice(0, n)));
      if (offset !== undefined && (n > 0 || path.length === 0)) return lineAt(source, offset);
    }
    return undefined;
  };
}

/**
 * A best-effort locator for TOML: finds the `[table]` header or `key =` line of the deepest path segment that
 * appears in the source.
 */
export function tomlLineLocator(source: string): LineLocator {
  const lines = source.split('\n');
  return (path) => {
    for (let n = path.length; n > 0; n--) {
      const names = path.slice(0, n).filter((s): s is string => typeof s === 'string');
      const last = names[names.length - 1];
      if (last === undefined) continue;
      const escaped = last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const keyLine = new RegExp(`^\\s*["']?${escaped}["']?\\s*=`);
      const header = new RegExp(`^\\s*\\[\\[?\\s*([\\w.-]+\\.)?["']?${escaped}["']?\\s*\\]\\]?`);
      const idx = lines.findIndex((l) => keyLine.test(l) || header.test(l));
      if (idx >= 0) return idx + 1;
    }
    return undefined;
  };
}
