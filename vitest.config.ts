import { defineConfig } from 'vitest/config';

// Tests import every @chatops/* package from its TypeScript source, through the monorepo-only export condition
// `@chatops/source` (tsconfig's customConditions and `tsx --conditions=@chatops/source` use the same): no build
// needed. Published consumers never set it, so they get dist/.
const conditions = ['@chatops/source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@chatops/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
    // The e2e tests have their own command (`npm run e2e`, vitest.e2e.config.ts): the whole stack, the exported
    // Ansible playbook, and the 300-node render with every checker.
    exclude: [
      '**/node_modules/**',
      'tests/whole-stack.e2e.test.ts',
      'packages/deploy/test/export-ansible.e2e.test.ts',
      'packages/render/test/scale.e2e.test.ts',
    ],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most suites wait on daemons and sockets, not the CPU: two cores run three files at once comfortably
    // (vitest's default is one worker per core minus one: a serial run here).
    maxWorkers: 3,
    reporters: ['default', './tools/vitest-summary-reporter.ts'],
  },
});
