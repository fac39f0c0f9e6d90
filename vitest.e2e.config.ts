import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The e2e tests (`npm run e2e`): the whole stack (render -> deploy -> daemons -> checks, about two minutes of real
// alert delays), the exported Ansible playbook, and a 300-node render with every checker (about a minute). Kept
// out of `npm test` (which must stay well under five minutes); CI runs both.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['tests/whole-stack.e2e.test.ts', 'packages/deploy/test/export-ansible.e2e.test.ts', 'packages/render/test/scale.e2e.test.ts'],
    exclude: ['**/node_modules/**'],
  },
});
