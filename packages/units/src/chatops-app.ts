import {
  type Artifact,
  ConfigError,
  artifact,
  escapeSpecifiers,
  execLine,
  placeSecret,
  printEnvFile,
  raw,
  sandbox,
  shellQuote,
  toYaml,
} from '@chatops/core';
import {
  type Environment,
  type NodeSpec,
  type ServiceRenderer,
  chatopsInstances,
  nodePath,
  clientCertificate,
  clientTlsFiles,
  serviceCertificate,
  tlsFiles,
} from '@chatops/environment';
import { joinHostPort, unitArtifact } from './_common.js';
import { TLS_TERMINATOR_BUDGET, terminatorClientHosts, tlsTerminator } from './tls-terminator.js';
import { chatopsFacts } from './facts.js';

/** Where the app's rendered files live on a ChatOps node. */
export const CHATOPS_APP_DIR = '/etc/chatops/app';
/** Where secrets given as `env`/`file` references are placed (one 0600 file per secret). */
export const CHATOPS_SECRETS_DIR = '/etc/chatops/secrets/chatops';

export interface ChatopsAppProps {
  /** @default '/usr/bin/docker' */
  readonly docker?: string;
  /** Port the app listens on inside its container. @default 3000 */
  readonly containerPort?: number;
  /** Where the image reads config.yml. @default '/usr/src/app/cloud_chatops/config/config.yml' */
  readonly containerConfigPath?: string;
  /** Where the image reads secrets.yml. @default '/usr/src/app/cloud_chatops/secrets/secrets.yml' */
  readonly containerSecretsPath?: string;
  /** First loopback port the containers publish on. @default env.ports.chatopsLocal (13000) */
  readonly loopbackBase?: number;
}

/** Node paths of the app's files (shared by the renderer and the cross-checks). */
export function chatopsAppPaths(env: Environment, node: NodeSpec) {
  const p = (f: string) => nodePath(env, node, `${CHATOPS_APP_DIR}/${f}`);
  return {
    config: p('config.yml'),
    writeSecrets: p('write-secrets.sh'),
    instanceEnv: (index: number) => p(`instance-${index}.env`),
  };
}

/** A script run before each container start: it writes secrets.yml (0600, under the unit's runtime directory) from the secret files, so values are never rendered into a unit or config. */
function writeSecretsScript(entries: readonly (readonly [string, string])[]): string {
  const lines = [
    '#!/bin/sh',
    '# Rendered by @chatops/units: composes the ChatOps app secrets.yml from secret files at start.',
    '# Usage: write-secrets.sh OUTPUT [UID:GID]. Values are YAML single-quoted; a multi-line value is an error.',
    "# The file is 0400, owned by UID:GID (the container's user) when given.",
    'set -eu',
    'out="$1"',
    'owner="${2:-}"',
    'umask 077',
    'tmp="$out.tmp"',
    ': > "$tmp"',
    'emit() {',
    '  value=$(cat "$2") || { echo "cannot read secret $1 from $2" >&2; exit 1; }',
    '  case "$value" in *\'',
    '\'*) echo "secret $1 ($2) spans several lines" >&2; exit 1 ;; esac',
    `  printf "%s: '%s'\\n" "$1" "$(printf '%s' "$value" | sed "s/'/''/g")" >> "$tmp"`,
    '}',
    ...entries.map(([name, path]) => `emit ${name} ${shellQuote(path)}`),
    'chmod 0400 "$tmp"',
    '[ -z "$owner" ] || chown "$owner" "$tmp"',
    'mv -f "$tmp" "$out"',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The ChatOps app: `chatops@.service` (one instance per `chatopsInstances(env, node)`, container `chatops-<i>`)
 * running the image with its config.yml and a secrets.yml composed at start, published on loopback and served
 * over TLS at `<node address>:<instance port>` by `chatops-tls` (stunnel4) with our certificate: the addresses
 * HAProxy's backend lists and health-checks (`env.chatops.healthPath`). The terminator requires a client
 * certificate from our CA (mutual TLS: stunnel `verifyChain`, which also refuses a certificate without clientAuth usage).
 */
export function chatopsAppUnits(props: ChatopsAppProps = {}): ServiceRenderer {
  const docker = props.docker ?? '/usr/bin/docker';
  const containerPort = props.containerPort ?? 3000;
  return {
    ...chatopsFacts,
    securityBudgets: {
      'chatops@.service': { max: 2.0 }, // systemd 252: 1.3
      'chatops-tls.service': TLS_TERMINATOR_BUDGET,
    },
    certificates: (env, node) => [serviceCertificate(env, node, 'chatops'), clientCertificate(env, node, 'chatops')],
    render(node, ctx) {
      const base = props.loopbackBase ?? ctx.env.ports.chatopsLocal;
      const { env } = ctx;
      const instances = chatopsInstances(env, node);
      if (instances.length === 0)
        throw new ConfigError([{ path: ['nodes', env.nodes.indexOf(node), 'roles'], message: `${node.name} has no chatops role` }]);
      const paths = chatopsAppPaths(env, node);
      const artifacts: Artifact[] = [];
      const secretEntries: [string, string][] = [];
      for (const [name, ref] of Object.entries(env.chatops.secrets)) {
        const placed = placeSecret(ref, ctx.secrets, {
          path: nodePath(env, node, `${CHATOPS_SECRETS_DIR}/${name}`),
          service: 'chatops@*',
          action: 'restart',
        });
        artifacts.push(...placed.artifacts);
        secretEntries.push([name, placed.path]);
      }
      artifacts.push(
        artifact({
          path: paths.config,
          content: toYaml(env.chatops.config, { header: 'Rendered by @chatops/units: ChatOps app config.yml (no secrets).' }),
          service: 'chatops@*',
          action: 'restart',
        }),
        artifact({
          path: paths.writeSecrets,
          content: writeSecretsScript(secretEntries),
          mode: '0755',
          service: 'chatops@*',
          action: 'restart',
        }),
      );
      for (const i of instances) {
        artifacts.push(
          artifact({
            path: paths.instanceEnv(i.index),
            content: printEnvFile(
              {
                CHATOPS_CONTAINER: i.containerName,
                CHATOPS_PUBLISH: `${joinHostPort(node.localAddress, base + i.index - 1)}:${containerPort}`,
              },
              { header: `Rendered by @chatops/units: ${i.unit} (served over TLS at ${joinHostPort(node.address, i.port)}).` },
            ),
            service: i.unit.replace(/\.service$/, ''),
            action: 'restart',
          }),
        );
      }
      // Nodes sharing a machine (a non-default localAddress) must not share runtime directories either.
      const runtimeName = node.localAddress === '127.0.0.1' ? 'chatops-%i' : `chatops-${node.name}-%i`;
      const runtime = `/run/${runtimeName}`;
      const { container } = env.chatops;
      const root = /^0:/.test(container.user);
      artifacts.push(
        unitArtifact(
          env,
          node,
          'chatops@.service',
          {
            Unit: {
              Description: raw('ChatOps app instance %i (rendered by @chatops/units)'),
              Requires: 'docker.service',
              After: ['docker.service', 'network-online.target'],
              Wants: 'network-online.target',
            },
            Service: {
              Type: 'simple',
              EnvironmentFile: raw(`${escapeSpecifiers(nodePath(env, node, CHATOPS_APP_DIR))}/instance-%i.env`),
              RuntimeDirectory: raw(runtimeName),
              RuntimeDirectoryMode: '0700',
              ExecStartPre: [
                execLine([docker, 'rm', '--force', raw('${CHATOPS_CONTAINER}')], '-'),
                // `+`: outside the sandbox, to hand secrets.yml to the container's uid (CAP_CHOWN).
                execLine([paths.writeSecrets, raw(`${runtime}/secrets.yml`), ...(root ? [] : [container.user])], root ? '' : '+'),
              ],
              ExecStart: execLine([
                docker,
                'run',
                '--rm',
                '--name',
                raw('${CHATOPS_CONTAINER}'),
                '--publish',
                raw('${CHATOPS_PUBLISH}'),
                '--volume',
                `${paths.config}:${props.containerConfigPath ?? '/usr/src/app/cloud_chatops/config/config.yml'}:ro`,
                '--volume',
                raw(`${runtime}/secrets.yml:${props.containerSecretsPath ?? '/usr/src/app/cloud_chatops/secrets/secrets.yml'}:ro`),
                '--log-driver',
                'json-file',
                '--log-opt',
                'max-size=50m',
                '--log-opt',
                'max-file=5',
                // Confinement: read-only root with explicit tmpfs, no capabilities, no setuid gain, bounded
                // memory (no extra swap) and processes, a non-root user unless the environment says 0:0.
                '--read-only',
                ...container.tmpfs.flatMap((dir) => ['--tmpfs', `${dir}:rw,noexec,nosuid,nodev,size=64m`]),
                '--cap-drop',
                'ALL',
                '--security-opt',
                'no-new-privileges',
                '--memory',
                container.memory,
                '--memory-swap',
                container.memory,
                '--pids-limit',
                String(container.pidsLimit),
                '--user',
                container.user,
                env.chatops.image,
              ]),
              ExecStop: execLine([docker, 'stop', '--time', '20', raw('${CHATOPS_CONTAINER}')]),
              Restart: 'always',
              RestartSec: '5s',
              TimeoutStartSec: '300',
              // The unit only runs the docker client (the container is dockerd's child, confined by its own
              // flags) and a script writing into the runtime directory: root for Docker's socket and the 0600
              // secret files, but without any capability, over a Unix socket only.
              ...sandbox({ root: true, addressFamilies: ['AF_UNIX'] }),
            },
            Install: { WantedBy: 'multi-user.target' },
          },
          { service: 'chatops@*' },
        ),
      );
      const tls = tlsFiles(ctx, node, 'chatops', { owner: 'stunnel4', action: 'reload' });
      const clientHosts = terminatorClientHosts(env, ['haproxy', 'blackbox-exporter'], [node]);
      artifacts.push(
        ...tls.artifacts,
        // The app calls nothing inside the stack: its client leaf is what deploy's rolling health check presents to
        // the terminator on this node (root reads it; a new one restarts nothing).
        ...clientTlsFiles(ctx, node, 'chatops', { action: 'none' }).artifacts,
        ...tlsTerminator(env, node, {
          unit: 'chatops-tls',
          description: 'TLS terminator for the ChatOps app instances',
          backendUnit: 'docker.service',
          services: Object.fromEntries(
            instances.map((i) => [
              i.containerName,
              {
                accept: joinHostPort(node.address, i.port),
                connect: joinHostPort(node.localAddress, base + i.index - 1),
                cert: tls.certFile,
                key: tls.keyFile,
                sslVersionMin: 'TLSv1.2' as const,
                // Mutual TLS: only clients with a certificate from our CA on the nodes that call the app (HAProxy,
                // the blackbox exporter's probe, deploy's health check from this node) reach an app instance.
                CAfile: tls.caFile,
                verifyChain: 'yes' as const,
                checkHost: clientHosts,
              },
            ]),
          ),
        }),
      );
      return { artifacts };
    },
  };
}

export const chatopsRenderer: ServiceRenderer = chatopsAppUnits();
