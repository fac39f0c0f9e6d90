import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AlertmanagerConfigInput, type LabelSet, RouteSimulator, printAlertmanagerConfig } from '@chatops/alertmanager-config';
import type { Route } from '../src/alertmanager-config.js';
import { requireBinary, run, tempDir } from '@chatops/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const NAMES = ['a', 'b', 'c'];
const VALUES = ['1', '2', 'x y', ''];
const REGEXES = ['1|2', '.*', 'x.*', '[0-9]', '', '.+'];

const matcher = fc
  .oneof(
    fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('=', '!='), fc.constantFrom(...VALUES)),
    fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('=~', '!~'), fc.constantFrom(...REGEXES)),
  )
  .map(([n, op, v]) => `${n}${op}${JSON.stringify(v)}`);

const { route } = fc.letrec<{ route: Route }>((tie) => ({
  route: fc.record(
    {
      receiver: fc.constantFrom('r0', 'r1', 'r2'),
      matchers: fc.array(matcher, { maxLength: 2 }),
      continue: fc.boolean(),
      routes: fc.array(tie('route'), { maxLength: 3, depthIdentifier: 'tree' }),
    },
    { requiredKeys: ['matchers'] },
  ),
}));

const alert = fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(...VALUES), { maxKeys: 3 });

describe('the route simulator agrees with amtool on random routing trees (property)', () => {
  it('for every alert of every tree', () => {
    requireBinary('amtool');
    using dir = tempDir('am-prop-');
    const file = join(dir.path, 'alertmanager.yml');
    fc.assert(
      fc.property(fc.array(route, { maxLength: 4 }), fc.array(alert, { minLength: 1, maxLength: 5 }), (routes, alerts) => {
        const config: AlertmanagerConfigInput = {
          route: { receiver: 'r0', routes },
          receivers: [{ name: 'r0' }, { name: 'r1' }, { name: 'r2' }],
        };
        writeFileSync(file, printAlertmanagerConfig(config));
        const sim = new RouteSimulator(config);
        for (const labels of alerts as LabelSet[]) {
          const args = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
          const r = run('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...args]);
          expect(r.status).toBe(0);
          expect(`${JSON.stringify(labels)} -> ${sim.receivers(labels).join(',')}`).toBe(`${JSON.stringify(labels)} -> ${r.stdout.trim()}`);
        }
      }),
      { numRuns: 25, seed: 20261128 },
    );
  });
});
