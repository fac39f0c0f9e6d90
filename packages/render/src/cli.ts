#!/usr/bin/env node
import { preferJitlessValidation } from '@chatops/core';

// Before the packages whose schemas it configures are loaded (zod reads the setting when a schema is built).
preferJitlessValidation();
const { colorWanted } = await import('./help-text.js');
const { runCli } = await import('./run-cli.js');

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: colorWanted(process.stdout.isTTY, process.env),
  // Progress only on a terminal: pipes and CI logs get the final summary alone.
  ...(process.stderr.isTTY ? { progress: (line: string) => process.stderr.write(`\r\x1b[K${line}`) } : {}),
});
process.exitCode = code;
