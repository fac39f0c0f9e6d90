import { environmentWarnings, isPinnedImage } from '../src/image-pinning.js';
import { describe, expect, it } from 'vitest';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('image pinning', () => {
  it('takes a digest, with or without a tag, as pinned; a tag alone as not', () => {
    expect(isPinnedImage(`registry.example.org/app@${DIGEST}`)).toBe(true);
    expect(isPinnedImage(`registry.example.org/app:1.0@${DIGEST}`)).toBe(true);
    expect(isPinnedImage('registry.example.org/app:1.0')).toBe(false);
    expect(isPinnedImage('registry.example.org/app')).toBe(false);
  });

  it('warns at chatops.image about a tag alone, and only then', () => {
    expect(environmentWarnings({ chatops: { image: 'r.example.org/app:latest' } as never })).toEqual([
      {
        path: ['chatops', 'image'],
        message: expect.stringMatching(
          /^the image r\.example\.org\/app:latest is not pinned by digest: use r\.example\.org\/app:latest@sha256:<digest>/,
        ),
      },
    ]);
    expect(environmentWarnings({ chatops: { image: `r.example.org/app@${DIGEST}` } as never })).toEqual([]);
  });
});
