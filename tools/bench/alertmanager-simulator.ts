// Route simulator vs `amtool config routes test`: routes the same alerts both ways and prints throughput and the
// ratio. Run: npm run bench -- alertmanager-simulator
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RouteSimulator, printAlertmanagerConfig } from '@chatops/alertmanager-config';
import { sampleConfig } from '../../packages/alertmanager-config/test/fixtures.js';

const alerts = Array.from({ length: 20_000 }, (_, i) => ({
  alertname: `A${i % 7}`,
  severity: ['critical', 'warning', 'page'][i % 3] as string,
  service: ['postgres', 'mysql', 'web', 'api'][i % 4] as string,
  node: `n${i % 50}`,
  env: i % 5 === 0 ? 'dev' : 'prod',
}));

const sim = new RouteSimulator(sampleConfig);
let t = performance.now();
let routed = 0;
for (const a of alerts) routed += sim.route(a).length;
const simMs = performance.now() - t;

t = performance.now();
const batch = sim.simulate(alerts.slice(0, 2_000));
const inhibitMs = performance.now() - t;

const dir = mkdtempSync(join(tmpdir(), 'am-bench-'));
const file = join(dir, 'alertmanager.yml');
writeFileSync(file, printAlertmanagerConfig(sampleConfig));
const amtoolRuns = 40;
t = performance.now();
for (const a of alerts.slice(0, amtoolRuns)) {
  spawnSync('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(a).map(([k, v]) => `${k}=${v}`)]);
}
const amtoolMs = performance.now() - t;
rmSync(dir, { recursive: true, force: true });

const simPerAlert = simMs / alerts.length;
const amtoolPerAlert = amtoolMs / amtoolRuns;
process.stdout.write(
  `${[
    `simulator: ${alerts.length} alerts routed (${routed} route matches) in ${simMs.toFixed(1)} ms = ${(simPerAlert * 1000).toFixed(2)} µs/alert`,
    `simulator with inhibition: ${batch.length} alerts as one batch in ${inhibitMs.toFixed(1)} ms (${batch.filter((a) => a.inhibited).length} inhibited)`,
    `amtool config routes test: ${amtoolRuns} alerts in ${amtoolMs.toFixed(0)} ms = ${amtoolPerAlert.toFixed(1)} ms/alert`,
    `ratio amtool/simulator per alert: ${(amtoolPerAlert / simPerAlert).toFixed(0)}x`,
  ].join('\n')}\n`,
);
