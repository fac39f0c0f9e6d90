import type { Artifact } from '@chatops/core';
import type { CertificateRequest, RenderContext } from '@chatops/environment';
import { alertFacts } from './alert-facts.js';
import { externalTlsDot, internalTlsDot, servicesDot } from './diagrams.js';
import { layoutSvg } from './layout.js';
import { type ReportPageProps, reportPage } from './report-page.js';
import { stackFacts } from './stack-facts.js';

/** The DOT sources of the three diagrams. */
export interface ReportDiagrams {
  readonly services: string;
  readonly externalTls: string;
  readonly internalTls: string;
}

/** DOT sources of an environment's diagrams, from its derived facts (never from rendered text). */
export function reportDiagrams(ctx: RenderContext, requests: readonly CertificateRequest[]): ReportDiagrams {
  const facts = stackFacts(ctx, requests);
  return { services: servicesDot(facts), externalTls: externalTlsDot(facts), internalTls: internalTlsDot(facts) };
}

export interface BuildReportProps {
  /** The stack's certificate requests (`certificateRequests(env)` from `@chatops/stack`). */
  readonly certificates: readonly CertificateRequest[];
  /** Rendered artifacts per node (`renderStack(ctx).bundles`). */
  readonly bundles: ReadonlyMap<string, readonly Artifact[]>;
  /** Extra sections, e.g. `deploy plan --report`'s pending changes per node. @default none */
  readonly extraSections?: ReportPageProps['extraSections'];
}

/** The whole report page (`index.html`): diagrams laid out by Graphviz (WebAssembly) and inlined as SVG. */
export async function buildReport(ctx: RenderContext, props: BuildReportProps): Promise<string> {
  const facts = stackFacts(ctx, props.certificates);
  const [services, externalTls, internalTls] = await Promise.all(
    [servicesDot(facts), externalTlsDot(facts), internalTlsDot(facts)].map(layoutSvg),
  );
  return reportPage({
    facts,
    diagrams: { services: services!, externalTls: externalTls!, internalTls: internalTls! },
    alerts: alertFacts(ctx.env),
    bundles: props.bundles,
    ...(props.extraSections ? { extraSections: props.extraSections } : {}),
  });
}
