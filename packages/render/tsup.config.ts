import { defineConfig } from 'tsup';
import { cli, library } from '../../tsup.shared.js';

// Two library entries: the package itself and `@chatops/render/testing`.
export default defineConfig([{ ...library, entry: ['src/index.ts', 'src/testing.ts'] }, cli]);
