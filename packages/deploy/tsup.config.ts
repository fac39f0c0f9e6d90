import { defineConfig } from 'tsup';
import { cli, library } from '../../tsup.shared.js';

export default defineConfig([library, cli]);
