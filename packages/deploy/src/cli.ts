#!/usr/bin/env node
import { createInterface } from 'node:readline/promises';
import { runDeployCli } from './run-cli.js';

const tty = Boolean(process.stdout.isTTY && process.stdin.isTTY);
const code = await runDeployCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  tty,
  confirm: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  },
});
process.exitCode = code;
