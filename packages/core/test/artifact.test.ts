import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretStore, artifact, formatPath, mergeArtifacts, placeSecret, reroot, yamlLineLocator } from '@chatops/core';

describe('artifact', () => {
  it('applies safe defaults', () => {
    expect(artifact({ path: '/etc/x.conf', content: 'a\n', service: 'x' })).toEqual({
      path: '/etc/x.conf',
      content: 'a\n',
      mode: '0644',
      owner: 'root',
      group: 'root',
      secret: false,
      service: 'x',
      action: 'reload',
    });
    expect(artifact({ path: '/etc/k', content: 'k\n', service: 'x', secret: true }).mode).toBe('0600');
  });

  it('rejects relative paths, bad modes, world-readable secrets and missing final newlines', () => {
    expect(() => artifact({ path: 'etc/x', content: '\n', service: 'x' })).toThrow(/absolute/);
    expect(() => artifact({ path: '/etc/../x', content: '\n', service: 'x' })).toThrow(/normalized/);
    expect(() => artifact({ path: '/x', content: '\n', service: 'x', mode: '644' })).toThrow(/octal/);
    expect(() => artifact({ path: '/x', content: 's\n', service: 'x', secret: true, mode: '0644' })).toThrow(/world-readable/);
    expect(() => artifact({ path: '/x', content: 'no newline', service: 'x' })).toThrow(/newline/);
  });

  it('merges identical files from several renderers and rejects conflicting ones', () => {
    const a = artifact({ path: '/etc/ca.pem', content: 'CA\n', service: 'haproxy' });
    const b = artifact({ path: '/etc/ca.pem', content: 'CA\n', service: 'filebeat' });
    expect(mergeArtifacts([a, b])).toHaveLength(1);
    const c = artifact({ path: '/etc/ca.pem', content: 'other\n', service: 'filebeat' });
    expect(() => mergeArtifacts([a, c])).toThrowErrorMatchingInlineSnapshot(
      `[Error: two renderers produce different content for /etc/ca.pem (haproxy and filebeat)]`,
    );
  });

  it('re-roots paths under a prefix', () => {
    expect(reroot('', '/etc/x')).toBe('/etc/x');
    expect(reroot('/tmp/t/lb-1', '/etc/x')).toBe('/tmp/t/lb-1/etc/x');
  });
});

describe('secrets', () => {
  it('never shows a value in any printable form', () => {
    const store = new SecretStore('/base');
    store.set({ env: 'TOKEN' }, 's3cr3t');
    expect(JSON.stringify({ store })).not.toContain('s3cr3t');
    expect(inspect(store)).not.toContain('s3cr3t');
    expect(`${store}`).not.toContain('s3cr3t');
    expect(store.reveal({ env: 'TOKEN' })).toBe('s3cr3t');
  });

  it('places a resolved secret in a 0600 file and leaves onNode secrets where they are', () => {
    const store = new SecretStore('/base');
    store.set({ file: 'pw' }, 'pw-value');
    const placed = placeSecret({ file: 'pw' }, store, { path: '/etc/app/pw', service: 'app', owner: 'app' });
    expect(placed.path).toBe('/etc/app/pw');
    expect(placed.artifacts[0]).toMatchObject({ mode: '0600', owner: 'app', secret: true, content: 'pw-value\n' });
    expect(placeSecret({ onNode: '/run/secrets/pw' }, store, { path: '/x', service: 'app' })).toEqual({
      path: '/run/secrets/pw',
      artifacts: [],
    });
    expect(() => store.reveal({ env: 'MISSING' })).toThrow(/not resolved/);
  });
});

describe('diagnostic locations', () => {
  const source = ['domain: x', 'nodes:', '  - name: lb-1', '    address: nope', '  - name: b', '    roles: [a, b]', ''].join('\n');

  it('finds the line of a path, or of its closest ancestor', () => {
    const locate = yamlLineLocator(source);
    expect(locate(['nodes', 0, 'address'])).toBe(4);
    expect(locate(['nodes', 1, 'roles', 1])).toBe(6);
    expect(locate(['nodes', 1, 'address'])).toBe(5);
    expect(locate(['domain'])).toBe(1);
  });

  it('names array elements by their name', () => {
    expect(formatPath(['nodes', 0, 'address'], { nodes: [{ name: 'lb-1' }] })).toBe('nodes.lb-1.address');
    expect(formatPath(['users', 0], { users: ['x'] })).toBe('users.0');
    expect(formatPath(['prometheus', 'alertFor', 'NodeDown\nExecStartPre=x'])).toBe('prometheus.alertFor."NodeDown\\nExecStartPre=x"');
  });
});
