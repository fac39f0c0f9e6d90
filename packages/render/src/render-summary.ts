import type { CheckOutcome } from './native-checks.js';

/** What a render did, in the terms its output reports: one value printed as text or as JSON. */
export interface RenderSummary {
  readonly environment: string;
  readonly ok: boolean;
  /** The output directory, relative to the working directory; null when nothing was written. */
  readonly written: string | null;
  readonly changed: boolean;
  /** The HTML report, relative to the working directory; null without `--report`. */
  readonly report: string | null;
  readonly issuedCertificates: readonly string[];
  readonly nodes: Readonly<Record<string, { readonly services: readonly string[]; readonly files: number }>>;
  readonly checks: readonly CheckOutcome[];
  /** `--diff`'s result as JSON shows it. */
  readonly diff?: unknown;
}

export interface SummaryStyle {
  readonly json: boolean;
  /** An unavailable checker is an error (in CI). */
  readonly strict: boolean;
  /** `--check`: nothing was meant to be written. */
  readonly checkOnly: boolean;
  /** `--diff`'s text, printed after the write line. */
  readonly diffText?: string;
}

/** The render's output on stdout and stderr (after the warnings, which are printed before rendering). */
export function printSummary(s: RenderSummary, style: SummaryStyle): { stdout: string; stderr: string } {
  let stderr = '';
  if (style.json) return { stdout: `${JSON.stringify(s, null, 2)}\n`, stderr };
  let stdout = '';
  const width = Math.max(...Object.keys(s.nodes).map((n) => n.length));
  for (const [node, m] of Object.entries(s.nodes)) {
    stdout += `${node.padEnd(width)}  ${String(m.files).padStart(3)} files  ${m.services.join(', ')}\n`;
  }
  const issued = s.issuedCertificates;
  const list = issued.length <= 6 ? ` (${issued.join(', ')})` : `: chatops-render certs ${s.environment} lists them`;
  stdout += issued.length > 0 ? `certificates: issued ${issued.length}${list}\n` : 'certificates: all reused\n';
  const failed = s.checks.filter((o) => o.status === 'failed');
  const unavailable = s.checks.filter((o) => o.status === 'unavailable');
  const passed = s.checks.filter((o) => o.status === 'passed').length;
  const cached = s.checks.filter((o) => o.cached).length;
  stdout += `checks: ${passed} passed${cached ? ` (${cached} unchanged since they last passed)` : ''}, ${failed.length} failed${unavailable.length ? `, ${unavailable.length} unavailable` : ''}\n`;
  for (const o of unavailable) stderr += `${style.strict ? 'error' : 'warning'}: ${o.node}: ${o.name}: ${o.output}\n`;
  for (const o of failed) stderr += `rejected: ${o.node}: ${o.name}:\n${indent(o.output)}\n`;
  if (s.written) stdout += `${s.changed ? 'wrote' : 'unchanged:'} ${s.written}\n`;
  else if (style.checkOnly && style.diffText === undefined) stdout += 'check only: nothing written\n';
  if (style.diffText !== undefined) stdout += style.diffText;
  if (s.report) stdout += `report: ${s.report}\n`;
  return { stdout, stderr };
}

/**
 * The summary the same render prints when run again with nothing changed: nothing written, no certificate issued,
 * and every check that passed now remembered as passed (the check cache keeps each pass).
 */
export function unchangedSummary(s: RenderSummary): RenderSummary {
  return {
    ...s,
    changed: false,
    issuedCertificates: [],
    checks: s.checks.map((o) => (o.status === 'passed' ? { node: o.node, name: o.name, status: 'passed', output: '', cached: true } : o)),
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
