import { join } from 'node:path';
import { listenersOn, loadEnvironment, metricsEndpoints, nodeWithRole, servicesOn, unitsOn } from '@chatops/environment';
import { RENDERERS } from '@chatops/stack';
import { REPO } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const EXAMPLES = join(REPO, 'examples/cloud-chatops/environments');
const load = (name: 'prod' | 'dev') => loadEnvironment(join(EXAMPLES, `${name}.yaml`), { services: RENDERERS }).environment;

describe("the stack's catalogue: placement, listeners, units and scrape jobs derived from each service's facts", () => {
  it('places services by their roles, in catalogue order (certbot only with Let’s Encrypt)', () => {
    const env = load('prod');
    expect(servicesOn(env, nodeWithRole(env, 'loadbalancer'))).toMatchInlineSnapshot(`
      [
        "node-exporter",
        "systemd-exporter",
        "filebeat",
        "certbot",
        "haproxy",
      ]
    `);
    expect(servicesOn(env, nodeWithRole(env, 'chatops'))).toMatchInlineSnapshot(`
      [
        "node-exporter",
        "systemd-exporter",
        "cadvisor",
        "chatops",
        "filebeat",
      ]
    `);
    const dev = load('dev');
    expect(servicesOn(dev, nodeWithRole(dev, 'loadbalancer'))).not.toContain('certbot');
  });

  it('derives one metrics endpoint per exporter placement', () => {
    const env = load('prod');
    const endpoints = metricsEndpoints(env).map((e) => `${e.job}@${e.node.name}:${e.port}`);
    expect(endpoints.filter((e) => e.startsWith('node@'))).toHaveLength(8);
    expect(endpoints.filter((e) => e.startsWith('cadvisor@'))).toEqual([
      'cadvisor@chatops-1:8080',
      'cadvisor@chatops-2:8080',
      'cadvisor@chatops-3:8080',
    ]);
    expect(endpoints).toContain('haproxy@lb-1:8405');
  });

  it('lists the listeners and units a node has', () => {
    const env = load('prod');
    const app = nodeWithRole(env, 'chatops');
    expect(listenersOn(env, app).map((l) => `${l.label}:${l.port}`)).toMatchInlineSnapshot(`
      [
        "node-exporter:9100",
        "systemd-exporter:9558",
        "cadvisor:8080",
        "cadvisor (127.0.0.1):18080",
        "chatops-1:3000",
        "chatops-1 (127.0.0.1):13000",
        "chatops-2:3001",
        "chatops-2 (127.0.0.1):13001",
      ]
    `);
    expect(unitsOn(env, app)).toMatchInlineSnapshot(`
      [
        "prometheus-node-exporter.service",
        "systemd-exporter.service",
        "cadvisor.service",
        "cadvisor-tls.service",
        "chatops@1.service",
        "chatops@2.service",
        "chatops-tls.service",
        "filebeat.service",
      ]
    `);
  });

  it('cannot place services without a catalogue', () => {
    const env = loadEnvironment(join(EXAMPLES, 'prod.yaml')).environment;
    expect(() => servicesOn(env, env.nodes[0]!)).toThrow(/has no service catalogue/);
  });
});
