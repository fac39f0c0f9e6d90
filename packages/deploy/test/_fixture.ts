import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type DeployIo, runDeployCli } from '@chatops/deploy';
import { type LoopbackEnvironment, type SshdNodes, loopbackEnvironment, startSshdNodes } from '@chatops/testing';
import { dump, load } from 'js-yaml';

/** Nodes whose system users exist on this machine (haproxy, prometheus, stunnel4): the ones deploy tests apply to. */
export const DEPLOYED = ['lb-1', 'monitoring-1'] as const;

/** Daemons that cannot run here; preflight only looks them up, so stand-ins are put where it looks. */
export const STAND_INS = ['docker', 'filebeat', 'prometheus', 'prometheus-alertmanager', '/usr/local/bin/systemd_exporter', '/usr/local/bin/cadvisor', 'certbot'];

export interface DeployFixture extends AsyncDisposable {
  readonly dir: string;
  readonly loopback: LoopbackEnvironment;
  readonly sshd: SshdNodes;
  /** Rewrites the environment file: `edit` receives the parsed document. */
  editEnvironment(edit: (doc: Record<string, any>) => void): void;
  deploy(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

export async function deployFixture(dir: string, subnet: number, options: { chatopsNodes?: number } = {}): Promise<DeployFixture> {
  const loopback = await loopbackEnvironment({ dir, subnet, chatopsNodes: options.chatopsNodes ?? 2 });
  const sshd = await startSshdNodes({
    dir: join(dir, 'sshd'),
    nodes: loopback.document.nodes.map((n) => ({ name: n.name, address: n.address, root: loopback.nodeRoot(n.name) })),
    standInBinaries: STAND_INS,
  });
  const editEnvironment = (edit: (doc: Record<string, any>) => void) => {
    const doc = load(readFileSync(loopback.file, 'utf8')) as Record<string, any>;
    edit(doc);
    writeFileSync(loopback.file, dump(doc, { lineWidth: -1 }));
  };
  editEnvironment((doc) => {
    doc.ssh = sshd.sshSettings();
  });
  const deploy = async (args: readonly string[]) => {
    let stdout = '';
    let stderr = '';
    const io: DeployIo = { cwd: dir, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
    const code = await runDeployCli([...args, '--config', loopback.file], io);
    return { code, stdout, stderr };
  };
  return { dir, loopback, sshd, editEnvironment, deploy, [Symbol.asyncDispose]: () => sshd.stop() };
}

/** Every file under a node root (mode and bytes), deploy's own state directory left out. */
export function snapshotNode(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (relative(root, p) === 'var/lib/chatops-deploy') continue;
      if (entry.isDirectory()) walk(p);
      else files.set(relative(root, p), `${(statSync(p).mode & 0o7777).toString(8)} ${readFileSync(p, 'utf8')}`);
    }
  };
  walk(root);
  return files;
}
