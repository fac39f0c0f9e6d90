#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { formatLintDiagnostic, lint } from './lint.js';

const USAGE = 'usage: logstash-pipeline lint <file.conf...>';

/** Runs the CLI; returns the exit code (0 clean, 1 errors found, 2 usage or unreadable file). */
export function main(argv: readonly string[], out: (line: string) => void, err: (line: string) => void): number {
  const [command, ...files] = argv;
  if (command === '--help' || command === '-h') {
    out(USAGE);
    return 0;
  }
  if (command !== 'lint' || files.length === 0) {
    err(USAGE);
    return 2;
  }
  let code = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      err(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      code = 2;
      continue;
    }
    const diagnostics = lint(text, file);
    for (const d of diagnostics) out(formatLintDiagnostic(d));
    if (diagnostics.length > 0 && code === 0) code = 1;
  }
  return code;
}

process.exitCode = main(
  process.argv.slice(2),
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
