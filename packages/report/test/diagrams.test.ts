import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { certificateRequests } from '@chatops/stack';
import { REPO, exampleContext } from '@chatops/testing';
import { describe, expect, it } from 'vitest';
import { README_DIAGRAM, readmeDiagram } from '../../../tools/readme-diagram.js';
import { type StackFacts, layoutSvg, reportDiagrams, stackFacts } from '@chatops/report';
import { externalTlsDot, internalTlsDot } from '../src/diagrams.js';

describe.each(['prod', 'dev'] as const)('%s diagrams', (name) => {
  const ctx = exampleContext(name);
  const diagrams = reportDiagrams(ctx, certificateRequests(ctx.env));

  it('DOT sources match the golden files', async () => {
    await expect(diagrams.services).toMatchFileSnapshot(`./__snapshots__/${name}.services.dot`);
    await expect(diagrams.externalTls).toMatchFileSnapshot(`./__snapshots__/${name}.external-tls.dot`);
    await expect(diagrams.internalTls).toMatchFileSnapshot(`./__snapshots__/${name}.internal-tls.dot`);
  });

  it('every DOT source lays out as SVG', async () => {
    for (const dot of Object.values(diagrams)) expect(await layoutSvg(dot)).toMatch(/^(<!--[\s\S]*?-->\s*)?<svg[\s\S]*<\/svg>\s*$/);
  });
});

describe('facts', () => {
  const ctx = exampleContext('prod');
  const requests = certificateRequests(ctx.env);
  const facts = stackFacts(ctx, requests);

  it('has the flows the stack sets up', () => {
    const kinds = new Set(
      facts.flows.map(
        (f) => `${f.from.kind === 'service' ? f.from.service : f.from.name}->${f.to.kind === 'service' ? f.to.service : f.to.name}`,
      ),
    );
    for (const k of [
      'client->haproxy',
      'haproxy->chatops',
      'haproxy->grafana',
      'filebeat->logstash',
      'logstash->elasticsearch',
      'prometheus->node-exporter',
      'prometheus->cadvisor',
      'prometheus->alertmanager',
      'alertmanager->Slack',
      'alertmanager->mail',
      'grafana->prometheus',
      'kibana->elasticsearch',
    ])
      expect(kinds).toContain(k);
    expect(facts.flows.filter((f) => f.tls).every((f) => f.tls?.verifies)).toBe(true);
  });

  it('draws a hop that would not verify in red', () => {
    // The certificate of the elastic node no longer names the node: every hop to it must turn red.
    const broken = requests.map((r) => (r.id.endsWith('/elasticsearch') ? { ...r, dnsNames: ['elsewhere.example'] } : r));
    const bad: StackFacts = stackFacts(ctx, broken);
    const red = internalTlsDot(bad)
      .split('\n')
      .filter((l) => l.includes('color=red'));
    expect(red.length).toBeGreaterThan(0);
    expect(red.every((l) => l.includes('/elasticsearch"'))).toBe(true);
    expect(internalTlsDot(facts)).not.toContain('color=red');
    expect(externalTlsDot(facts)).not.toContain('color=red');
  });
});

describe('README diagram', () => {
  it('examples/cloud-chatops/services.svg is current (npm run diagram regenerates it)', async () => {
    expect(readFileSync(README_DIAGRAM, 'utf8')).toBe(await readmeDiagram());
  });

  it('the top-level README shows it', () => {
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain(`](${relative(REPO, README_DIAGRAM)})`);
  });
});
