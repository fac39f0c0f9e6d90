// Regenerates the services diagram the READMEs show: `npm run diagram` (checked current by a test).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { layoutSvg, servicesDot, stackFacts } from '@chatops/report';
import { certificateRequests } from '@chatops/stack';
import { REPO, exampleContext } from '@chatops/testing';

/** Where the committed SVG lives. */
export const README_DIAGRAM = join(REPO, 'examples/cloud-chatops/services.svg');

/** The services diagram of the example prod environment (it shows no certificate data, so the fixed PKI is fine). */
export async function readmeDiagram(): Promise<string> {
  const ctx = exampleContext('prod');
  return layoutSvg(servicesDot(stackFacts(ctx, certificateRequests(ctx.env))));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, ''))) {
  const svg = await readmeDiagram();
  if (readFileSync(README_DIAGRAM, { encoding: 'utf8', flag: 'a+' }) !== svg) writeFileSync(README_DIAGRAM, svg);
}
