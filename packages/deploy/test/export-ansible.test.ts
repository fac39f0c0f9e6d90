import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDeployCli } from '@chatops/deploy';
import { loopbackEnvironment, requireBinary, tempDir } from '@chatops/testing';
import { dump, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

// Debian's ansible-core checks the exported playbook; nothing is connected to.
describe('chatops-deploy export-ansible', () => {
  it('writes an inventory, the files and a playbook in phase order that ansible-playbook --syntax-check accepts', async () => {
    requireBinary('ansible-playbook');
    using dir = tempDir('chatops-deploy-ansible-');
    const loopback = await loopbackEnvironment({ dir: dir.path, subnet: 64 });
    // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document the test edits in place at any depth
    const doc = load(readFileSync(loopback.file, 'utf8')) as Record<string, any>;
    doc.ssh = {
      user: 'deploy',
      port: 2222,
      identityFile: 'keys/deploy',
      knownHosts: 'keys/known_hosts',
      jumpHost: 'ops@bastion.chatops.test',
    };
    writeFileSync(loopback.file, dump(doc, { lineWidth: -1 }));
    const out = join(dir.path, 'ansible');
    let stdout = '';
    let stderr = '';
    const code = await runDeployCli(['export-ansible', 'loopback', '--config', loopback.file, '--out', out], {
      cwd: dir.path,
      env: {},
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^wrote .*ansible: inventory\.ini, playbook\.yml and \d+ files \(they include keys and secrets/);
    const inventory = readFileSync(join(out, 'inventory.ini'), 'utf8');
    expect(inventory).toContain(
      `lb-1 ansible_host=127.0.64.10 ansible_port=2222 ansible_user=deploy ansible_ssh_private_key_file=${join(dir.path, 'keys/deploy')} ansible_ssh_common_args='-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${join(dir.path, 'keys/known_hosts')} -o GlobalKnownHostsFile=/dev/null -J ops@bastion.chatops.test'\n`,
    );
    const playbook = readFileSync(join(out, 'playbook.yml'), 'utf8');
    const plays = [...playbook.matchAll(/^- name: '?([\w-]+):/gm)].map((m) => m[1]);
    expect(plays.indexOf('chatops')).toBeGreaterThanOrEqual(0);
    expect(plays.indexOf('chatops')).toBeLessThan(plays.indexOf('haproxy'));
    expect(plays.at(-1)).toBe('haproxy');
    expect(playbook).toMatch(/name: 'chatops: chatops-1, chatops-2'\n\s+hosts: chatops-1:chatops-2\n\s+serial: 1\n/);
    expect(playbook).toContain('validate: haproxy -c -dW -f %s');
    expect(playbook).toContain('backup: true');
    expect(playbook).toMatch(
      /handlers:\n(?:.*\n)*?\s+- name: reload haproxy\.service\n\s+ansible\.builtin\.command: systemctl reload haproxy\.service/,
    );
    const internal = join(out, 'files/lb-1', loopback.nodeRoot('lb-1'), 'etc/haproxy/certs/internal.pem');
    expect(statSync(internal).mode & 0o777).toBe(0o600);
    const check = spawnSync('ansible-playbook', ['--syntax-check', '-i', 'inventory.ini', 'playbook.yml'], {
      cwd: out,
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
    });
    expect(check.stderr + check.stdout).toContain('playbook: playbook.yml');
    expect(check.status).toBe(0);
  });
});
