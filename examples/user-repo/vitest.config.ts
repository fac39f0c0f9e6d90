import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The first render issues a whole PKI in memory.
    testTimeout: 60_000,
  },
});
