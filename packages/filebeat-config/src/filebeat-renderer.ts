import { posix } from 'node:path';
import { type Artifact, ConfigError, artifact, printUnitFile, sandbox } from '@chatops/core';
import {
  type Environment,
  type NodeSpec,
  type RenderContext,
  type ServiceRenderer,
  caBundlePath,
  clientCertificate,
  clientTlsFiles,
  nodePath,
  nodeWithRole,
} from '@chatops/environment';
import type { FilebeatConfig } from './filebeat-config.js';
import type { InputsFile } from './inputs.js';
import { logSources } from './log-sources.js';
import { printFilebeatConfig, printInputsFile } from './print.js';
import { checkFilebeatFiles } from './validate.js';
import { filebeatFacts } from './facts.js';

/** Main config file on every node. */
export const FILEBEAT_CONFIG_PATH = '/etc/filebeat/filebeat.yml';
/** Directory of the external input files (one per service). */
export const FILEBEAT_INPUTS_DIR = '/etc/filebeat/inputs.d';

export interface NodeFilebeat {
  readonly config: FilebeatConfig;
  /** External input files by node path, one per service that logs on the node. */
  readonly inputFiles: ReadonlyMap<string, InputsFile>;
}

/**
 * Where Filebeat on any node ships to: the Logstash node's beats input by its address. Nothing resolves internal
 * names, and Beats has no setting for a TLS server name: `ssl.verification_mode: full` checks the address against
 * the certificate's IP SANs (every leaf of ours carries its node's address).
 */
export function logstashEndpoint(env: Environment): { host: string; port: number } {
  return { host: nodeWithRole(env, 'logstash').address, port: env.ports.logstash };
}

/**
 * Builds a node's Filebeat model: inputs for the services placed there (one external file each, reloaded without
 * a restart), one TLS output to Logstash verifying its certificate against our CA.
 */
export function nodeFilebeat(
  env: Environment,
  node: NodeSpec,
  caFile: string,
  client?: { certFile: string; keyFile: string },
): NodeFilebeat {
  const inputFiles = new Map<string, InputsFile>();
  for (const source of logSources(env, node)) {
    const path = nodePath(env, node, `${FILEBEAT_INPUTS_DIR}/${source.service}.yml`);
    inputFiles.set(path, [...(inputFiles.get(path) ?? []), source.input]);
  }
  const { host, port } = logstashEndpoint(env);
  const config: FilebeatConfig = {
    name: node.name,
    filebeat: {
      config: {
        inputs: { enabled: true, path: `${nodePath(env, node, FILEBEAT_INPUTS_DIR)}/*.yml`, reload: { enabled: true, period: '10s' } },
      },
    },
    output: {
      logstash: {
        hosts: [`${host}:${port}`],
        ssl: {
          enabled: true,
          certificate_authorities: [caFile],
          // Mutual TLS: Logstash's beats input requires a client certificate from our CA.
          ...(client ? { certificate: client.certFile, key: client.keyFile } : {}),
          verification_mode: 'full',
          supported_protocols: ['TLSv1.2', 'TLSv1.3'],
        },
      },
    },
    processors: [{ add_host_metadata: {} }],
    path: { data: nodePath(env, node, '/var/lib/filebeat'), logs: nodePath(env, node, '/var/log/filebeat') },
    logging: {
      level: 'info',
      to_files: true,
      files: { path: nodePath(env, node, '/var/log/filebeat'), name: 'filebeat', keepfiles: 7, permissions: '0640' },
    },
  };
  return { config, inputFiles };
}

const header = (env: Environment, node: NodeSpec, what: string) =>
  `${what} for ${node.name} (${env.name}).\nRendered by @chatops/filebeat-config: do not edit by hand.`;

/** Our drop-in on the package's `filebeat.service`: its sandbox. */
export const FILEBEAT_DROP_IN_PATH = '/etc/systemd/system/filebeat.service.d/chatops.conf';

/**
 * The drop-in confining the package's `filebeat.service` (no sandbox of its own). Filebeat runs as root to read
 * every service's logs (files owned by their daemons' users, the journal): root without any capability but
 * CAP_DAC_READ_SEARCH (read anything, write nothing it does not own); it writes only its registry and its own
 * log; host-wide /proc stays visible for add_host_metadata; it may load its own seccomp filter on top of ours.
 */
function filebeatDropIn(env: Environment, node: NodeSpec): string {
  return printUnitFile(
    {
      Service: sandbox({
        root: true,
        capabilities: ['CAP_DAC_READ_SEARCH'],
        writable: [`-${nodePath(env, node, '/var/lib/filebeat')}`, `-${nodePath(env, node, '/var/log/filebeat')}`],
        hideProc: false,
        allowSyscalls: ['seccomp'],
      }),
    },
    { header: header(env, node, 'Filebeat sandbox') },
  );
}

/** Filebeat on every node: ships the logs of the services placed there to Logstash over TLS. */
export const filebeatRenderer: ServiceRenderer = {
  // Ships to Logstash (`after`): start it once its beats input is up.
  ...filebeatFacts,
  certificates: (env, node) => [clientCertificate(env, node, 'filebeat')],
  securityBudgets: { 'filebeat.service': { max: 2.5 } }, // systemd 252: 2.0 (root with CAP_DAC_READ_SEARCH)
  render(node: NodeSpec, ctx: RenderContext) {
    const { env } = ctx;
    // Debian's filebeat runs as root.
    const client = clientTlsFiles(ctx, node, 'filebeat');
    const built = nodeFilebeat(env, node, caBundlePath(ctx, node), client);
    const problems = checkFilebeatFiles(built);
    if (problems.length > 0) throw new ConfigError(problems);
    // Filebeat refuses config files writable by anyone but their owner; none of these holds a secret.
    const artifacts: Artifact[] = [
      artifact({
        path: nodePath(env, node, FILEBEAT_CONFIG_PATH),
        content: printFilebeatConfig(built.config, { header: header(env, node, 'Filebeat') }),
        mode: '0600',
        service: 'filebeat',
        action: 'restart',
      }),
      ...client.artifacts,
      artifact({
        path: nodePath(env, node, FILEBEAT_DROP_IN_PATH),
        content: filebeatDropIn(env, node),
        mode: '0644',
        service: 'filebeat',
        action: 'restart',
      }),
    ];
    for (const [path, inputs] of built.inputFiles) {
      artifacts.push(
        artifact({
          path,
          content: printInputsFile(inputs, { header: header(env, node, `Filebeat inputs of ${posix.basename(path, '.yml')}`) }),
          mode: '0600',
          service: 'filebeat',
          // filebeat.config.inputs.reload picks changes up by itself.
          action: 'none',
        }),
      );
    }
    return { artifacts };
  },
};
