import type { Artifact } from '@chatops/core';
import { type RenderContext, publicUrl } from '@chatops/environment';
import { RENDERERS } from '@chatops/stack';
import { exampleContext, renderAll } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

/** The prod example with its public HTTPS port changed. */
function withHttpsPort(port: number): RenderContext {
  const ctx = exampleContext('prod');
  return { ...ctx, env: { ...ctx.env, ports: { ...ctx.env.ports, https: port } } };
}

function file(ctx: RenderContext, path: string): string {
  const found: Artifact[] = [...renderAll(ctx, RENDERERS).values()].flat().filter((a) => a.path === path);
  const first = found[0];
  if (!first) throw new Error(`no ${path} rendered`);
  return first.content;
}

/** Every URL through which users and alert links reach the stack, as the daemons are told it. */
function externalUrls(ctx: RenderContext) {
  return {
    grafana: /^root_url = (.*)$/m.exec(file(ctx, '/etc/grafana/grafana.ini'))?.[1],
    prometheus: /--web\.external-url=(\S+)/.exec(file(ctx, '/etc/default/prometheus'))?.[1],
    alertmanager: /--web\.external-url=(\S+)/.exec(file(ctx, '/etc/default/prometheus-alertmanager'))?.[1],
    kibana: /^server\.publicBaseUrl: (.*)$/m.exec(file(ctx, '/etc/kibana/kibana.yml'))?.[1],
  };
}

describe('external URLs', () => {
  it('omit the port on 443 and carry any other HTTPS port (alert links, OAuth redirects, Kibana links)', () => {
    const domain = exampleContext('prod').env.domain;
    expect(externalUrls(withHttpsPort(443))).toEqual({
      grafana: `https://grafana.${domain}/`,
      prometheus: `https://prometheus.${domain}/`,
      alertmanager: `https://alertmanager.${domain}/`,
      kibana: `https://kibana.${domain}`,
    });
    expect(externalUrls(withHttpsPort(8443))).toEqual({
      grafana: `https://grafana.${domain}:8443/`,
      prometheus: `https://prometheus.${domain}:8443/`,
      alertmanager: `https://alertmanager.${domain}:8443/`,
      kibana: `https://kibana.${domain}:8443`,
    });
  });

  it('publicUrl builds the same URL the edge redirects to', () => {
    const ctx = withHttpsPort(10443);
    expect(publicUrl(ctx.env)).toBe(`https://${ctx.env.domain}:10443/`);
    expect(publicUrl(ctx.env, 'grafana', '/login')).toBe(`https://grafana.${ctx.env.domain}:10443/login`);
  });
});
