import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REDACTED, renderEnvironment } from '@chatops/render/testing';
import { describe, expect, it } from 'vitest';

const EXAMPLE = join(__dirname, '../../../examples/cloud-chatops');
const DEV = join(EXAMPLE, 'environments/dev.yaml');

describe('@chatops/render/testing renderEnvironment', () => {
  it('is deterministic: two renders with their own PKI, a day apart, give identical files', async () => {
    const a = await renderEnvironment(DEV, { now: new Date('2026-12-01T10:00:00Z') });
    const b = await renderEnvironment(DEV, { now: new Date('2026-12-02T17:30:00Z') });
    expect(a.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(Object.keys(a[0] ?? {})).toEqual(['node', 'path', 'content', 'mode']);
    expect([...new Set(a.map((f) => f.node))]).toEqual(['lb-1', 'chatops-1', 'monitoring-1', 'elastic-1']);

    const file = (node: string, path: string) => a.find((f) => f.node === node && f.path === path)?.content;
    expect(file('lb-1', '/etc/chatops/tls/ca.pem')).toMatch(/^\[certificate: subject CN=ChatOps dev .*; CA\]\n$/);
    expect(file('lb-1', '/etc/chatops/tls/node-exporter/key.pem')).toBe('[private key: EC prime256v1]\n');
    expect(file('monitoring-1', '/etc/grafana/provisioning/datasources/chatops.yaml')).toMatch(
      /^ +\[certificate: subject CN=ChatOps dev /m,
    );
    // No PEM material and no secret value is left anywhere.
    const all = a.map((f) => f.content).join('\n');
    expect(all).not.toContain('-----BEGIN');
    const secrets = readdirSync(join(EXAMPLE, 'secrets/dev')).map((f) => readFileSync(join(EXAMPLE, 'secrets/dev', f), 'utf8').trim());
    expect(secrets.length).toBeGreaterThan(3);
    for (const s of secrets) expect(all, 'a secret value').not.toContain(s);
    expect(a.filter((f) => f.content === REDACTED).length).toBeGreaterThan(0);
  });

  it("missingSecrets: 'stand-in' renders an environment whose { env } secrets are not set; 'error' names the variable", async () => {
    const single = join(__dirname, '../../../examples/minimal/environments/single.yaml');
    await expect(renderEnvironment(single, { env: {} })).rejects.toThrow(/environment variable \w+ is not set/);
    const files = await renderEnvironment(single, { env: {}, missingSecrets: 'stand-in' });
    expect(files.some((f) => f.path === '/etc/prometheus/alertmanager.yml')).toBe(true);
    expect(files.map((f) => f.content).join('\n')).not.toContain('stand-in-');
  });
});
