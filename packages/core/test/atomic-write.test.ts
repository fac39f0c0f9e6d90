import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@chatops/core';
import { tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

describe('writeFileAtomic', () => {
  it('replaces a file whole, with exactly the mode asked for, and leaves no temporary file', () => {
    using dir = tempDir();
    const path = join(dir.path, 'key.pem');
    writeFileSync(path, 'old content', { mode: 0o644 });
    const umask = process.umask(0o077);
    try {
      writeFileAtomic(path, 'new\n', 0o640);
    } finally {
      process.umask(umask);
    }
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir.path)).toEqual(['key.pem']);
  });
});
