import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { REPO } from './example-context.js';

/**
 * The example `prod.yaml` grown (or shrunk) to `nodes` nodes: one load balancer, two Grafana, one Prometheus +
 * Alertmanager, one Elastic node, the rest ChatOps nodes; addresses 10.0.x.y. Written as
 * `<dir>/environments/<name>.yaml`; returns the file's path. For scale tests and benchmarks.
 */
export function writeScaledEnvironment(dir: string, nodes: number, name = `scale-${nodes}`): string {
  if (nodes < 6) throw new Error('a scaled environment needs at least 6 nodes');
  const doc = load(readFileSync(join(REPO, 'examples/cloud-chatops/environments/prod.yaml'), 'utf8')) as Record<string, unknown>;
  const address = (i: number) => `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const fixed = [
    { name: 'lb-1', roles: ['loadbalancer'] },
    { name: 'grafana-1', roles: ['grafana'] },
    { name: 'grafana-2', roles: ['grafana'] },
    { name: 'prometheus-1', roles: ['prometheus', 'alertmanager'] },
    { name: 'elastic-1', roles: ['elasticsearch', 'kibana', 'logstash'] },
  ];
  const chatops = Array.from({ length: nodes - fixed.length }, (_, i) => ({ name: `chatops-${i + 1}`, roles: ['chatops'] }));
  doc.nodes = [...fixed, ...chatops].map((n, i) => ({ name: n.name, address: address(i), roles: n.roles }));
  const file = join(dir, 'environments', `${name}.yaml`);
  mkdirSync(join(dir, 'environments'), { recursive: true });
  writeFileSync(file, dump(doc, { lineWidth: -1 }));
  return file;
}
