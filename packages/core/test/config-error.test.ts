import { ConfigError } from '@chatops/core';
import { describe, expect, expectTypeOf, it } from 'vitest';

// A second copy of the module, as a consumer gets when one dependency imports our ESM build and another requires
// the CJS build (or two versions are installed): a class of its own, the same brand.
const SECOND_COPY = '../src/diagnostics.ts?second-copy';
const otherCopy = async () => ((await import(/* @vite-ignore */ SECOND_COPY)) as typeof import('../src/diagnostics.js')).ConfigError;

describe('ConfigError', () => {
  const diagnostics = [{ path: ['nodes', 0, 'address'], message: 'expected an IP address', file: 'prod.yaml', line: 10 }];

  it('is instanceof across copies of @chatops/core, both ways', async () => {
    const Other = await otherCopy();
    expect(Other).not.toBe(ConfigError);
    expect(new Other(diagnostics)).toBeInstanceOf(ConfigError);
    expect(new ConfigError(diagnostics)).toBeInstanceOf(Other);
  });

  it('is not instanceof for other errors or values', async () => {
    const Other = await otherCopy();
    for (const value of [new Error('x'), new TypeError('x'), { name: 'ConfigError', diagnostics }, null, undefined, 'ConfigError']) {
      expect(value instanceof ConfigError).toBe(false);
      expect(value instanceof Other).toBe(false);
    }
  });

  it('keeps the ordinary check for subclasses, and is still an Error', () => {
    class StrictError extends ConfigError {}
    expect(new StrictError(diagnostics)).toBeInstanceOf(ConfigError);
    expect(new ConfigError(diagnostics) instanceof StrictError).toBe(false);
    expect(new ConfigError(diagnostics)).toBeInstanceOf(Error);
    expect(new ConfigError(diagnostics).message).toBe('prod.yaml:10: nodes.0.address: expected an IP address');
  });

  it('narrows with instanceof', () => {
    const error: unknown = new ConfigError(diagnostics);
    if (error instanceof ConfigError) expectTypeOf(error.diagnostics).toEqualTypeOf<readonly import('@chatops/core').Diagnostic[]>();
    else throw new Error('not narrowed');
  });
});
