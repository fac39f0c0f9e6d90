import type { Artifact } from '@chatops/core';
import type { StackFacts } from './stack-facts.js';

/** One alerting rule as the report lists it. */
export interface AlertFact {
  readonly rule: string;
  readonly severity: string;
  readonly receivers: readonly string[];
  /** Alerts this one mutes, or is muted by (`mutes X` / `muted by Y`). */
  readonly inhibitions: readonly string[];
}

export interface ReportPageProps {
  readonly facts: StackFacts;
  /** SVGs of the services, external TLS and internal TLS diagrams. */
  readonly diagrams: { readonly services: string; readonly externalTls: string; readonly internalTls: string };
  readonly alerts: readonly AlertFact[];
  /** Rendered artifacts per node (contents are not shown, only path, owner, mode, service). */
  readonly bundles: ReadonlyMap<string, readonly Artifact[]>;
  /** Extra sections (HTML) appended to the page, e.g. a deploy plan's pending changes. @default none */
  readonly extraSections?: readonly { readonly id: string; readonly title: string; readonly html: string }[];
}

/** Escapes text for HTML. */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const day = (d: Date) => d.toISOString().slice(0, 10);

const CSS = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;line-height:1.4}
body{margin:0 auto;max-width:1200px;padding:1rem;color:#1b1f23}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
nav a{margin-right:.8rem}
figure{margin:0;overflow-x:auto;border:1px solid #d0d7de;border-radius:6px;padding:.5rem}
figure svg{max-width:100%;height:auto}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
code{font-size:.85em;word-break:break-all}
.bad{color:#b00020;font-weight:bold}
pre{overflow-x:auto;font-size:.8rem;margin:.3rem 0}
@media (max-width:600px){body{padding:.5rem}table{font-size:.8rem}th,td{padding:.2rem}}
@media print{nav{display:none}body{max-width:none}figure{overflow:visible;border:none}figure svg{max-width:100%}h2{break-after:avoid}table,figure{break-inside:avoid-page}a{color:inherit;text-decoration:none}}
`;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<div class="scroll"><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('\n')}\n</tbody></table></div>`;
}

/** The report as one self-contained HTML page: inline SVG and CSS, no script, no external asset. */
export function reportPage(props: ReportPageProps): string {
  const { facts, diagrams } = props;
  const sections: { id: string; title: string; html: string }[] = [
    { id: 'services', title: 'Services', html: `<figure id="diagram-services">${diagrams.services}</figure>` },
    { id: 'external-tls', title: 'External TLS', html: `<figure id="diagram-external-tls">${diagrams.externalTls}</figure>` },
    { id: 'internal-tls', title: 'Internal TLS', html: `<figure id="diagram-internal-tls">${diagrams.internalTls}</figure>` },
    {
      id: 'routes',
      title: 'Routing',
      html: table(
        ['host', 'backend', 'servers', 'auth'],
        facts.routes.map((r) => [
          `<code>${esc(r.host)}</code>`,
          esc(r.backend),
          r.servers.map((s) => esc(`${s.name} (${s.node}:${s.port})`)).join('<br>'),
          r.auth ? 'basic auth' : 'none at the edge (OAuth in Grafana)',
        ]),
      ),
    },
    {
      id: 'certificates',
      title: 'Certificates (soonest expiry first)',
      html: table(
        ['certificate', 'subject', 'issuer', 'expires', 'names'],
        [facts.publicCertificate, ...facts.certificates]
          .sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime() || (a.id < b.id ? -1 : 1))
          .map((c) => [esc(c.id), esc(c.subject), esc(c.issuer), day(c.notAfter), `<code>${esc(c.names.join(', '))}</code>`]),
      ),
    },
    {
      id: 'alerts',
      title: 'Alerts',
      html: table(
        ['rule', 'severity', 'receivers', 'inhibitions'],
        props.alerts.map((a) => [
          esc(a.rule),
          esc(a.severity),
          a.receivers.length ? esc(a.receivers.join(', ')) : '<span class="bad">none</span>',
          esc(a.inhibitions.join('; ')),
        ]),
      ),
    },
    {
      id: 'files',
      title: 'Files per node',
      html: [...props.bundles]
        .map(
          ([node, artifacts]) =>
            `<h3 id="files-${esc(node)}">${esc(node)}</h3>\n${table(
              ['path', 'owner', 'mode', 'service'],
              artifacts.map((a) => [`<code>${esc(a.path)}</code>`, esc(`${a.owner}:${a.group}`), esc(a.mode), esc(a.service)]),
            )}`,
        )
        .join('\n'),
    },
    ...(props.extraSections ?? []),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(facts.name)}: ${esc(facts.domain)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(facts.name)}: <code>${esc(facts.domain)}</code></h1>
<p>${facts.nodes.length} nodes. Generated from the environment file by <code>@chatops/report</code>: the diagrams and tables come from the same model that renders the configs.</p>
<nav>${sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join(' ')}</nav>
${sections.map((s) => `<section id="${s.id}">\n<h2>${esc(s.title)}</h2>\n${s.html}\n</section>`).join('\n')}
</body>
</html>
`;
}
