export { type BuildReportProps, type ReportDiagrams, buildReport, reportDiagrams } from './build-report.js';
export { servicesDot } from './diagrams.js';
export { layoutSvg } from './layout.js';
export { type PendingPlan, type ReportSection, pendingChangesSection } from './pending-changes.js';
export type { AlertFact, ReportPageProps } from './report-page.js';
export {
  type CertificateFact,
  type Endpoint,
  type Flow,
  type InternalTls,
  type RouteFact,
  type StackFacts,
  stackFacts,
} from './stack-facts.js';
