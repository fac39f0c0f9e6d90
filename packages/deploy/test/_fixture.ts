import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join, relative } from 'node:path';
import { type DeployIo, loadDesired, runDeployCli } from '@chatops/deploy';
import { type LoopbackEnvironment, type SshdNodes, loopbackEnvironment, startSshdNodes } from '@chatops/testing';
import { dump, load } from 'js-yaml';

/** Nodes whose system users exist on this machine (haproxy, prometheus, stunnel4): the ones deploy tests apply to. */
export const DEPLOYED = ['lb-1', 'monitoring-1'] as const;

/** Daemons that cannot run here; preflight only looks them up, so stand-ins are put where it looks. */
export const STAND_INS = [
  'docker',
  'filebeat',
  'prometheus',
  'prometheus-alertmanager',
  '/usr/local/bin/systemd_exporter',
  '/usr/local/bin/cadvisor',
  'certbot',
];

export interface DeployFixture extends AsyncDisposable {
  readonly dir: string;
  readonly loopback: LoopbackEnvironment;
  readonly sshd: SshdNodes;
  /** Rewrites the environment file: `edit` receives the parsed document. */
  // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document the test edits in place at any depth
  editEnvironment(edit: (doc: Record<string, any>) => void): void;
  deploy(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /**
   * HTTPS STAND-INS for daemons that cannot run here, answering deploy's health checks on `node`'s address: one
   * per `{ port, tls }`, serving the certificate deploy renders under `etc/chatops/tls/<tls>/` (so curl on the
   * node verifies it with our CA). Each answers every path with 200 and `<tls> <port>`. Closed on dispose.
   */
  serveHealth(node: string, endpoints: readonly { port: number; tls: string }[]): Promise<void>;
  /** Makes the stand-in on `port` answer `status` from now on (e.g. 503: the daemon came back unhealthy). */
  setHealthStatus(port: number, status: number): void;
}

export async function deployFixture(dir: string, subnet: number, options: { chatopsNodes?: number } = {}): Promise<DeployFixture> {
  const loopback = await loopbackEnvironment({ dir, subnet, chatopsNodes: options.chatopsNodes ?? 2 });
  const sshd = await startSshdNodes({
    dir: join(dir, 'sshd'),
    nodes: loopback.document.nodes.map((n) => ({ name: n.name, address: n.address, root: loopback.nodeRoot(n.name) })),
    standInBinaries: STAND_INS,
  });
  // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document the test edits in place at any depth
  const editEnvironment = (edit: (doc: Record<string, any>) => void) => {
    // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document the test edits in place at any depth
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
  const servers: ReturnType<typeof createServer>[] = [];
  const statuses = new Map<number, number>();
  const serveHealth = async (node: string, endpoints: readonly { port: number; tls: string }[]) => {
    const { desired } = await loadDesired(loopback.document.name ?? 'loopback', { cwd: dir, env: {}, config: loopback.file });
    const file = (suffix: string) =>
      desired.steps.flatMap((s) => s.files).find((x) => x.artifact.path.endsWith(`${node}${suffix}`))!.artifact.content;
    const address = loopback.document.nodes.find((n) => n.name === node)!.address;
    for (const e of endpoints) {
      const server = createServer(
        { key: file(`/etc/chatops/tls/${e.tls}/key.pem`), cert: file(`/etc/chatops/tls/${e.tls}/cert.pem`) },
        (_req, res) => {
          res.writeHead(statuses.get(e.port) ?? 200, { 'content-type': 'text/plain' }).end(`${e.tls} ${e.port}\n`);
        },
      );
      await new Promise<void>((resolve) => server.listen(e.port, address, resolve));
      servers.push(server);
    }
  };
  const dispose = async () => {
    for (const s of servers) s.close();
    await sshd.stop();
  };
  const setHealthStatus = (port: number, status: number) => statuses.set(port, status);
  return { dir, loopback, sshd, editEnvironment, deploy, serveHealth, setHealthStatus, [Symbol.asyncDispose]: dispose };
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
