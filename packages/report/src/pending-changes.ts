import { esc } from './report-page.js';

/**
 * What the report reads of a deploy plan: `@chatops/deploy`'s `Plan` has this shape (declared here so the report
 * does not depend on deploy, which depends on the report for `plan --report`).
 */
export interface PendingPlan {
  readonly nodes: readonly {
    readonly node: string;
    readonly steps: readonly {
      readonly phase: string;
      readonly files: readonly {
        readonly path: string;
        readonly status: 'create' | 'change' | 'unchanged' | 'kept' | 'drift';
        readonly secret: boolean;
        /** Unified diff of a changed file; deploy never makes one for a secret, and the report never shows one. */
        readonly diff?: string;
        readonly metadata?: string;
      }[];
      readonly units: readonly { readonly unit: string; readonly action: string }[];
      readonly daemonReload: boolean;
      readonly replay: boolean;
    }[];
  }[];
}

/** One extra section of the report page. */
export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly html: string;
}

const WHAT = {
  create: 'created',
  change: 'changed',
  drift: 'DRIFT: changed on the node since the last apply (apply refuses without --force)',
  kept: 'exists, left alone (createOnly)',
  unchanged: 'unchanged',
} as const;

/**
 * The pending changes of a deploy plan per node, as a report section (`chatops-deploy plan <env> --report`):
 * every file deploy would create or change, drift, the units it would reload or restart. Secret files are named,
 * never shown; the diffs of other files are in a `<details>` (no script needed, open them to print them).
 */
export function pendingChangesSection(plan: PendingPlan): ReportSection {
  const nodes = plan.nodes.map((n) => {
    const steps = n.steps.filter((s) => s.files.some((f) => f.status !== 'unchanged') || s.units.length > 0 || s.replay);
    if (steps.length === 0) return `<h3 id="pending-${esc(n.node)}">${esc(n.node)}</h3>\n<p>Nothing to change.</p>`;
    const rows = steps.flatMap((s) => {
      const units = s.units.map((u) => `${u.action} ${u.unit}`).join(', ') + (s.daemonReload ? ' (after daemon-reload)' : '');
      const unitRow =
        units || s.replay
          ? [
              `<tr><td colspan="3"><strong>${esc(s.phase)}</strong>: ${esc([units, s.replay ? 'fires reloads journaled by an interrupted run' : ''].filter(Boolean).join('; '))}</td></tr>`,
            ]
          : [];
      const fileRows = s.files
        .filter((f) => f.status !== 'unchanged')
        .map((f) => {
          const what =
            f.secret && f.status === 'change'
              ? 'changed (secret: contents not shown)'
              : f.status === 'change' && f.metadata
                ? f.metadata
                : WHAT[f.status];
          const diff = f.diff && !f.secret ? `<details><summary>diff</summary><pre>${esc(f.diff)}</pre></details>` : '';
          return `<tr><td><code>${esc(f.path)}</code></td><td>${esc(s.phase)}</td><td${f.status === 'drift' ? ' class="bad"' : ''}>${esc(what)}${diff}</td></tr>`;
        });
      return [...unitRow, ...fileRows];
    });
    return `<h3 id="pending-${esc(n.node)}">${esc(n.node)}</h3>\n<div class="scroll"><table><thead><tr><th>path</th><th>service</th><th>change</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
  });
  return { id: 'pending', title: 'Pending changes (deploy plan)', html: nodes.join('\n') };
}
