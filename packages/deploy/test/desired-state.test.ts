import { desiredState } from '@chatops/deploy';
import { RENDERERS } from '@chatops/stack';
import { renderExample } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

describe('desiredState', () => {
  it('puts a file several services need (our CA bundle) in the first of their phases to be applied', async () => {
    const { ctx, result } = await renderExample('prod');
    const { steps } = desiredState(ctx, result);
    let shared = 0;
    // Apply runs phases in the order services first appear in result.order, every node of a phase together.
    const order = [...new Set(result.order.map((o) => o.service))];
    for (const node of ctx.env.nodes) {
      const phaseOf = new Map(
        steps.filter((s) => s.node === node.name).flatMap((s) => s.files.map((f) => [f.artifact.path, s.phase] as const)),
      );
      const placed = result.services.get(node.name) ?? [];
      for (const r of RENDERERS.filter((x) => placed.includes(x.service))) {
        for (const a of r.render(node, ctx).artifacts) {
          const phase = phaseOf.get(a.path);
          expect(phase, `${node.name} ${a.path}`).toBeDefined();
          if (phase !== r.service) shared++;
          // Written no later than the phase of any service whose renderer produces it.
          expect(order.indexOf(phase!), `${node.name} ${a.path}: in ${phase}, needed by ${r.service}`).toBeLessThanOrEqual(
            order.indexOf(r.service),
          );
        }
      }
    }
    expect(shared).toBeGreaterThan(0);
  });
});
