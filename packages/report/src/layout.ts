import { instance } from '@viz-js/viz';

let viz: ReturnType<typeof instance> | undefined;

/** Lays out a DOT source as SVG with Graphviz compiled to WebAssembly (no system binary, no network). */
export async function layoutSvg(dot: string): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') throw new Error(`graphviz: ${result.errors.map((e) => e.message).join('; ')}`);
  // Drop the XML prolog and doctype: the SVG is inlined into HTML (or committed as a file, where it is harmless to lack them).
  return result.output.replace(/^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*/s, '');
}
