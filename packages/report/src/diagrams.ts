import type { Endpoint, Flow, StackFacts } from './stack-facts.js';

// Our labels are host names, ports and certificate names: only quotes need escaping (\n is DOT's line break).
const q = (s: string) => `"${s.replace(/"/g, '\\"')}"`;
const id = (e: Endpoint) => q(e.kind === 'service' ? `${e.node}/${e.service}` : `ext/${e.name}`);
const day = (d: Date) => d.toISOString().slice(0, 10);
const COLORS: Record<Flow['carries'], string> = {
  traffic: '#1f5fa8',
  logs: '#8a5a00',
  metrics: '#2e7d32',
  alerts: '#b23c17',
  queries: '#6a3d9a',
};
const HEAD = [
  '  graph [fontname="Helvetica", fontsize=11, rankdir=LR, nodesep=0.25, ranksep=0.9];',
  '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled", fillcolor="#f4f6f8"];',
  '  edge [fontname="Helvetica", fontsize=8];',
];

function externals(flows: readonly Flow[]): string[] {
  const names = new Set<string>();
  for (const f of flows) for (const e of [f.from, f.to]) if (e.kind === 'external') names.add(e.name);
  return [...names].map((n) => `  ${q(`ext/${n}`)} [label=${q(n)}, shape=ellipse, fillcolor="#fff8e1"];`);
}

/** Services diagram: nodes as clusters holding their services; every flow labelled with port and protocol. */
export function servicesDot(facts: StackFacts): string {
  const lines = [`digraph services {`, ...HEAD];
  lines.push(...externals(facts.flows));
  for (const node of facts.nodes) {
    lines.push(
      `  subgraph ${q(`cluster_${node.name}`)} {`,
      `    label=${q(`${node.name} (${node.address})`)}; style=rounded; color="#90a4ae";`,
    );
    for (const s of node.services) lines.push(`    ${q(`${node.name}/${s}`)} [label=${q(s)}];`);
    lines.push('  }');
  }
  for (const f of facts.flows)
    lines.push(`  ${id(f.from)} -> ${id(f.to)} [label=${q(`${f.port} ${f.protocol}`)}, color=${q(COLORS[f.carries])}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** External TLS: client -> HAProxy (public certificate) -> re-encrypted hop -> each public service. */
export function externalTlsDot(facts: StackFacts): string {
  const pub = facts.publicCertificate;
  const lines = [`digraph external_tls {`, ...HEAD];
  const edge = facts.flows.filter((f) => f.carries === 'traffic');
  lines.push(`  ${q('ext/client')} [label="client", shape=ellipse, fillcolor="#fff8e1"];`);
  const lbs = [...new Set(edge.filter((f) => f.from.kind === 'external').map((f) => id(f.to)))];
  for (const lb of lbs)
    lines.push(`  ${lb} [label=${q(`HAProxy\\npublic cert: ${pub.subject}\\nissuer: ${pub.issuer}\\nexpires ${day(pub.notAfter)}`)}];`);
  for (const f of edge) {
    if (f.from.kind === 'external') {
      lines.push(`  ${id(f.from)} -> ${id(f.to)} [label=${q(`${f.port} https (public cert)`)}];`);
      continue;
    }
    const to = f.to.kind === 'service' ? `${f.to.service}\\n${f.to.node}` : '';
    lines.push(`  ${id(f.to)} [label=${q(to)}];`);
    lines.push(
      `  ${id(f.from)} -> ${id(f.to)} [label=${q(`re-encrypt :${f.port}\\nverify ${f.tls?.serverName ?? 'none'}`)}, color=${f.tls?.verifies ? '"#1f5fa8"' : 'red'}];`,
    );
  }
  lines.push('}');
  return `${dedupe(lines).join('\n')}\n`;
}

/** Internal TLS: every internal hop with the certificate presented and the CA trusted; a hop that would not verify is red. */
export function internalTlsDot(facts: StackFacts): string {
  const lines = [`digraph internal_tls {`, ...HEAD, `  label=${q(`every client trusts ${facts.caName}`)}; labelloc=t;`];
  for (const f of facts.flows) {
    if (!f.tls) continue;
    for (const e of [f.from, f.to]) if (e.kind === 'service') lines.push(`  ${id(e)} [label=${q(`${e.service}\\n${e.node}`)}];`);
    const label = `${f.port}: presents ${f.tls.certificate}\\ntrusts ${f.tls.trusts}${f.tls.verifies ? '' : '\\nDOES NOT VERIFY'}`;
    lines.push(
      `  ${id(f.from)} -> ${id(f.to)} [label=${q(label)}, color=${f.tls.verifies ? q(COLORS[f.carries]) : 'red'}${f.tls.verifies ? '' : ', penwidth=2, fontcolor=red'}];`,
    );
  }
  lines.push('}');
  return `${dedupe(lines).join('\n')}\n`;
}

/** Node declarations repeat when a service takes part in several hops: keep the first. */
function dedupe(lines: string[]): string[] {
  const seen = new Set<string>();
  return lines.filter((l) => (l.includes(' -> ') || !l.endsWith('];') ? true : !seen.has(l) && (seen.add(l), true)));
}
