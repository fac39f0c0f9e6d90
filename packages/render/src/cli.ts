#!/usr/bin/env node
import { colorWanted } from './help-text.js';
import { main } from './main.js';

const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: colorWanted(process.stdout.isTTY, process.env),
  // Progress only on a terminal: pipes and CI logs get the final summary alone.
  ...(process.stderr.isTTY ? { progress: (line: string) => process.stderr.write(`\r\x1b[K${line}`) } : {}),
});
process.exitCode = code;
