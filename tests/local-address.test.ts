import type { RenderContext } from '@chatops/environment';
import { RENDERERS } from '@chatops/stack';
import { exampleContext, renderAll } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

/** The prod example with the load balancer and chatops-2 on loopback addresses of their own. */
function sharedMachine(): RenderContext {
  const ctx = exampleContext('prod');
  const local: Record<string, string> = { 'lb-1': '127.3.0.10', 'chatops-2': '127.3.0.22' };
  return {
    ...ctx,
    env: { ...ctx.env, nodes: ctx.env.nodes.map((n) => (local[n.name] ? { ...n, localAddress: local[n.name] as string } : n)) },
  };
}

describe('per-node localAddress', () => {
  const bundles = renderAll(sharedMachine(), RENDERERS);
  const file = (node: string, suffix: string) => (bundles.get(node) ?? []).find((a) => a.path.endsWith(suffix))?.content ?? '';

  it('places terminator backends, cAdvisor, the containers and certbot on it; runtime directories carry the node name', () => {
    expect(file('chatops-2', '/etc/default/cadvisor')).toContain('--listen_ip=127.3.0.22');
    expect(file('chatops-2', '/cadvisor-tls.conf')).toMatch(/^connect = 127\.3\.0\.22:18080$/m);
    expect(file('chatops-2', '/chatops-tls.conf')).toMatch(/^connect = 127\.3\.0\.22:13000$/m);
    expect(file('chatops-2', '/instance-1.env')).toContain('CHATOPS_PUBLISH="127.3.0.22:13000:');
    expect(file('chatops-2', '/chatops@.service')).toMatch(/^RuntimeDirectory=chatops-chatops-2-%i$/m);
    expect(file('chatops-2', '/chatops@.service')).toContain('/run/chatops-chatops-2-%i/secrets.yml');
    expect(file('lb-1', '/certbot.service.d/chatops.conf')).toContain('--http-01-address 127.3.0.10');
    expect(file('lb-1', '/etc/haproxy/haproxy.cfg')).toMatch(/server certbot 127\.3\.0\.10:8888/);
  });

  it('defaults to 127.0.0.1 and the runtime directory of a node alone on its machine', () => {
    expect(file('chatops-1', '/cadvisor-tls.conf')).toMatch(/^connect = 127\.0\.0\.1:18080$/m);
    expect(file('chatops-1', '/chatops@.service')).toMatch(/^RuntimeDirectory=chatops-%i$/m);
  });
});
