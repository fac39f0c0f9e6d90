import type { StackCheck } from '@chatops/environment';
import { haproxyRenderer } from '@chatops/haproxy-config';
import { certificateRequests, renderStack } from '@chatops/stack';
import { exampleContext } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const ctx = exampleContext('prod');

describe('renderStack(ctx, { services, checks })', () => {
  it('renders only the services it is given, and runs only the checks it is given', () => {
    const seen: string[][] = [];
    const spy: StackCheck = {
      name: 'spy',
      check: (_ctx, bundles) => {
        seen.push([...bundles.entries()].flatMap(([node, artifacts]) => artifacts.map((a) => `${node}:${a.service}`)));
        return [];
      },
    };
    const { bundles } = renderStack(ctx, { services: [haproxyRenderer], checks: [spy] });
    const rendered = new Set([...bundles.values()].flatMap((artifacts) => artifacts.map((a) => a.service)));
    expect([...rendered]).toEqual(['haproxy']);
    expect(new Set(seen.flat())).toEqual(new Set(['lb-1:haproxy']));
  });

  it('reports what a given check finds', () => {
    const failing: StackCheck = { name: 'always', check: () => [{ path: ['nodes'], message: 'found by the given check' }] };
    expect(() => renderStack(ctx, { services: [haproxyRenderer], checks: [failing] })).toThrow(/found by the given check/);
  });

  it('asks only the given services for certificates', () => {
    expect(certificateRequests(ctx.env, [haproxyRenderer]).map((r) => r.id)).toEqual(['lb-1/haproxy']);
    expect(certificateRequests(ctx.env).length).toBeGreaterThan(1);
  });
});
