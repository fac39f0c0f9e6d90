import { toYaml } from '@chatops/core';
import type { DesiredFile, DesiredState, DesiredStep } from './desired-state.js';
import type { SshTarget } from './ssh-target.js';

/** One file of an Ansible export, relative to the output directory. */
export interface ExportedFile {
  readonly path: string;
  readonly content: string;
  /** 0600 for the copied node files (they include keys and secrets), 0644 for inventory and playbook. */
  readonly mode: number;
}

/**
 * The same deployment as `apply`, for teams on Ansible/AWX: `inventory.ini` (hosts and SSH settings from the
 * environment, host keys pinned), `files/<node>/<path>` (the rendered bytes) and `playbook.yml`, one play per
 * phase in `manifest.order` over the nodes of that phase (`serial: 1` for ChatOps). Each file is an
 * `ansible.builtin.copy` with the manifest's mode/owner/group, `backup: true`, `force: false` for createOnly files
 * and, for the file a daemon checker names, `validate:` with that checker; checkers that read several files run
 * after the copies at the final paths; changed files notify handlers (daemon-reload first, then reload/restart
 * in the manifest's order). Ansible cannot do what deploy's node script does: no rollback (backups are kept), no
 * journal, no drain in HAProxy; the playbook says so at the top. Owners are set unless `chatops_set_owners=false`
 * (a non-root login).
 */
export function exportAnsible(desired: DesiredState, targets: readonly SshTarget[]): ExportedFile[] {
  const env = desired.env;
  const out: ExportedFile[] = [];
  const inventory = [
    `# Ansible inventory of ${env.name}, written by chatops-deploy export-ansible from the environment: do not edit.`,
    '[chatops]',
  ];
  for (const t of targets) {
    const vars = [`ansible_host=${t.host}`, `ansible_port=${t.port}`, `ansible_user=${t.user}`];
    if (t.identityFile) vars.push(`ansible_ssh_private_key_file=${t.identityFile}`);
    const ssh = [`-o StrictHostKeyChecking=yes`, `-o UserKnownHostsFile=${t.knownHosts}`, '-o GlobalKnownHostsFile=/dev/null'];
    if (t.jumpHost) ssh.push(`-J ${t.jumpHost}`);
    vars.push(`ansible_ssh_common_args='${ssh.join(' ')}'`);
    inventory.push(`${t.node} ${vars.join(' ')}`);
  }
  out.push({ path: 'inventory.ini', content: `${inventory.join('\n')}\n`, mode: 0o644 });
  for (const s of desired.steps)
    for (const f of s.files) out.push({ path: `files/${s.node}${f.artifact.path}`, content: f.artifact.content, mode: 0o600 });

  const phases: string[] = [];
  for (const s of desired.steps) if (s.files.length > 0 && !phases.includes(s.phase)) phases.push(s.phase);
  const plays = phases.map((phase) =>
    play(
      phase,
      desired.steps.filter((s) => s.phase === phase && s.files.length > 0),
    ),
  );
  const header = [
    `# Playbook of ${env.name}, written by chatops-deploy export-ansible: do not edit (re-export instead).`,
    '# The same files, modes and owners as `chatops-deploy apply`, phase by phase in manifest order. Unlike apply it',
    '# validates a lone temp file, keeps backups instead of rolling back, and restarts ChatOps instances one node',
    '# at a time (serial: 1) without draining them in HAProxy.',
    '# Run: ansible-playbook -i inventory.ini playbook.yml   (add -e chatops_set_owners=false for a non-root login)',
  ];
  out.push({ path: 'playbook.yml', content: `${header.join('\n')}\n${toYaml(plays)}`, mode: 0o644 });
  return out;
}

function play(phase: string, steps: readonly DesiredStep[]): Record<string, unknown> {
  const tasks: Record<string, unknown>[] = [];
  const handlers = new Map<string, Record<string, unknown>>();
  const daemonReload = steps.some((s) => s.files.some((f) => f.unitFile));
  if (daemonReload)
    handlers.set('systemctl daemon-reload', { name: 'systemctl daemon-reload', 'ansible.builtin.command': 'systemctl daemon-reload' });
  for (const step of steps) {
    const validated = new Map<string, string>();
    const after: string[] = [];
    for (const c of step.checks) {
      const file = step.files.find((f) => c.args.includes(f.artifact.path));
      const line = [c.command, ...c.args.map((a) => (a === file?.artifact.path ? '%s' : a))].join(' ');
      if (file && !validated.has(file.artifact.path)) validated.set(file.artifact.path, line);
      else after.push([c.command, ...c.args].join(' '));
    }
    // The copy module does not create directories; deploy's node script does (mkdir -p, like this).
    const dirs = [...new Set(step.files.map((f) => f.artifact.path.slice(0, f.artifact.path.lastIndexOf('/'))))].sort();
    tasks.push({
      name: `directories on ${step.node}`,
      when: `inventory_hostname == '${step.node}'`,
      'ansible.builtin.file': { path: '{{ item }}', state: 'directory' },
      loop: dirs,
    });
    // Files a validated config refers to go first, so the checker finds them: unvalidated files, then validated
    // ones in the reverse order of the checks (a service's first check is its main config, which names the rest:
    // promtool check config reads the rule files and web config that check rules / check web-config validate).
    const rank = (f: DesiredFile) => {
      const i = [...validated.keys()].indexOf(f.artifact.path);
      return i < 0 ? Number.NEGATIVE_INFINITY : -i;
    };
    const ordered = [...step.files].sort((a, b) => rank(a) - rank(b));
    for (const f of ordered) tasks.push(copyTask(step.node, f, validated.get(f.artifact.path)));
    for (const line of after)
      tasks.push({
        name: `check: ${line}`,
        when: `inventory_hostname == '${step.node}'`,
        'ansible.builtin.command': line,
        changed_when: false,
      });
    for (const f of step.files) {
      for (const unit of f.units) {
        const action = f.artifact.action ?? 'reload';
        const name = `${action} ${unit}`;
        if (action !== 'none' && !handlers.has(name))
          handlers.set(name, { name, 'ansible.builtin.command': `systemctl ${action} ${unit}` });
      }
    }
  }
  return {
    name: `${phase}: ${steps.map((s) => s.node).join(', ')}`,
    hosts: steps.map((s) => s.node).join(':'),
    ...(phase === 'chatops' ? { serial: 1 } : {}),
    gather_facts: false,
    tasks,
    ...(handlers.size > 0 ? { handlers: [...handlers.values()] } : {}),
  };
}

function copyTask(node: string, f: DesiredFile, validate: string | undefined): Record<string, unknown> {
  const a = f.artifact;
  const notify = [
    ...(f.unitFile ? ['systemctl daemon-reload'] : []),
    ...(a.action === 'none' ? [] : f.units.map((u) => `${a.action ?? 'reload'} ${u}`)),
  ];
  return {
    name: a.path,
    when: `inventory_hostname == '${node}'`,
    'ansible.builtin.copy': {
      src: `files/${node}${a.path}`,
      dest: a.path,
      mode: a.mode,
      owner: `{{ '${a.owner ?? 'root'}' if chatops_set_owners | default(true) | bool else omit }}`,
      group: `{{ '${a.group ?? 'root'}' if chatops_set_owners | default(true) | bool else omit }}`,
      backup: true,
      ...(a.createOnly ? { force: false } : {}),
      ...(validate ? { validate } : {}),
    },
    ...(a.secret ? { no_log: true } : {}),
    ...(notify.length > 0 ? { notify } : {}),
  };
}
