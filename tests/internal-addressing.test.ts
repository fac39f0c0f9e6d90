import { nodeFqdn, nodeWithRole } from '@chatops/environment';
import { nodeFilebeat } from '@chatops/filebeat-config';
import { prometheusDatasourceFile } from '@chatops/grafana-provisioning';
import { type Plugin, stackPipeline } from '@chatops/logstash-pipeline';
import { RENDERERS } from '@chatops/stack';
import { exampleContext, renderAll } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

// Nothing on the nodes resolves `<node>.<internalDomain>` (no DNS zone, no /etc/hosts of ours): every connection
// between nodes goes to an address, and the leaf there names that address (tests/rendered-certificates.test.ts).
describe.each(['prod', 'dev'] as const)('%s: daemons reach other nodes by address', (name) => {
  const ctx = exampleContext(name);
  const { env } = ctx;

  it("Grafana's datasource: Prometheus' address, its FQDN as the TLS server name", () => {
    const prometheus = nodeWithRole(env, 'prometheus');
    const [ds] = prometheusDatasourceFile(ctx, '/run/password').datasources;
    expect(new URL(ds?.url ?? '').hostname).toBe(prometheus.address);
    expect(ds?.jsonData).toMatchObject({ tlsAuthWithCACert: true, serverName: nodeFqdn(env, prometheus) });
  });

  it("Filebeat: the Logstash node's address, fully verified", () => {
    const logstash = nodeWithRole(env, 'logstash');
    for (const node of env.nodes) {
      const out = nodeFilebeat(env, node, '/etc/chatops/tls/ca.pem').config.output.logstash;
      expect(out?.hosts).toEqual([`${logstash.address}:${env.ports.logstash}`]);
      expect(out?.ssl?.verification_mode).toBe('full');
    }
  });

  it("Logstash's Elasticsearch output: the Elasticsearch node's address, fully verified", () => {
    const es = nodeWithRole(env, 'elasticsearch');
    const config = stackPipeline(env, nodeWithRole(env, 'logstash'), {
      caFile: '/ca.pem',
      certFile: '/c.pem',
      keyFile: '/k.pem',
      client: { certFile: '/cc.pem', keyFile: '/ck.pem' },
    });
    const outputs = config.sections.filter((s) => s.type === 'output').flatMap((s) => s.body);
    const output = outputs.find((p): p is Plugin => p.kind === 'plugin' && p.name === 'elasticsearch');
    const attr = (n: string) => output?.attributes.find((a) => a.name === n)?.value;
    const hosts = attr('hosts');
    expect(hosts?.kind === 'array' ? hosts.items.map((i) => (i.kind === 'string' ? i.value : '')) : []).toEqual([
      `https://${es.address}:${env.ports.elasticsearch}`,
    ]);
    expect(attr('ssl_verification_mode')).toMatchObject({ value: 'full' });
  });

  it('no rendered file names an internal host except as a TLS server name (or the SMTP greeting, or a client certificate name a terminator accepts)', () => {
    // stunnel's checkHost names the client certificates it accepts, and connects nowhere.
    const serverName = /server_name:|serverName:|sni str\(|verifyhost |check-sni |smtp_hello:|^checkHost = /;
    const stray: string[] = [];
    for (const [node, artifacts] of renderAll(ctx, RENDERERS)) {
      for (const a of artifacts) {
        if (/\.pem$/.test(a.path)) continue;
        a.content.split('\n').forEach((line, i) => {
          if (line.includes(`.${env.internalDomain}`) && !serverName.test(line)) stray.push(`${node}:${a.path}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(stray).toEqual([]);
  });
});
