import type { Options } from 'tsup';

/** How every package builds: ESM + CJS with declarations from `src/index.ts`. */
export const library: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
};

/** A package's CLI: an ES module (top-level await), shebang kept, no declarations. */
export const cli: Options = {
  entry: ['src/cli.ts'],
  format: ['esm'],
  sourcemap: true,
  target: 'node20',
};
