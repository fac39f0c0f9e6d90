import { type Artifact, ConfigError, type Diagnostic } from '@chatops/core';
import {
  type Environment,
  type NodeSpec,
  type RenderContext,
  type StackCheck,
  caBundlePath,
  nodeFqdn,
  nodePath,
  nodeWithRole,
  servicesOn,
} from '@chatops/environment';
import { isIP } from 'node:net';
import { renderedBeatsInputs } from '@chatops/logstash-pipeline';
import type { FilebeatConfig } from './filebeat-config.js';
import { FILEBEAT_CONFIG_PATH } from './filebeat-renderer.js';
import { parseFilebeatConfig } from './parse.js';

/** What a Logstash beats input listens with, as far as a Filebeat client is concerned. */
export interface BeatsListener {
  /** Names and addresses the listener's certificate is valid for (what `verification_mode: full` checks). */
  readonly names: readonly string[];
  /** Bind address of the input; a wildcard (`0.0.0.0`, `::`) or absent means every address. */
  readonly host?: string;
  readonly port: number;
  readonly tls: boolean;
  /** Whether the listener requires a client certificate (mutual TLS). @default false */
  readonly clientAuth?: boolean;
  /** The CA (PEM) that signed the listener's certificate. */
  readonly caCert: string;
}

export interface FilebeatLogstashCheckOptions {
  /**
   * Reads the beats input(s) the Logstash renderer really produced. @default the beats inputs parsed back from the
   * rendered Logstash pipeline (`renderedBeatsInputs` of @chatops/logstash-pipeline); when the stack renders no
   * Logstash files at all, the listener the environment promises (`environmentBeatsListener`).
   */
  readonly beatsListeners?: (ctx: RenderContext, bundles: ReadonlyMap<string, readonly Artifact[]>) => readonly BeatsListener[];
}

/** The beats listener the environment promises: the Logstash node, `ports.logstash`, mutual TLS with certificates from our CA. */
export function environmentBeatsListener(env: Environment, caCert: string): BeatsListener {
  const node = nodeWithRole(env, 'logstash');
  return { names: [nodeFqdn(env, node), node.name, node.address], port: env.ports.logstash, tls: true, clientAuth: true, caCert };
}

function splitHost(hostPort: string): { host: string; port: number } {
  const i = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(hostPort.slice(i + 1)) };
}

/** Compares one node's rendered Filebeat output with the Logstash beats listeners. */
export function checkNodeAgainstLogstash(
  ctx: RenderContext,
  node: NodeSpec,
  bundle: readonly Artifact[],
  listeners: readonly BeatsListener[],
): Diagnostic[] {
  const { env } = ctx;
  const path = nodePath(env, node, FILEBEAT_CONFIG_PATH);
  const nodeIndex = env.nodes.indexOf(node);
  const at = (message: string, docPath: (string | number)[] = []): Diagnostic => ({
    path: ['nodes', nodeIndex, ...docPath],
    message: `filebeat on ${node.name}: ${message}`,
  });
  const file = bundle.find((a) => a.path === path);
  if (!file) return [at(`no ${path} rendered`)];
  let config: FilebeatConfig;
  try {
    config = parseFilebeatConfig(file.content, { file: path });
  } catch (e) {
    if (e instanceof ConfigError) return e.diagnostics.map((d) => at(`${path}: ${d.message}`));
    throw e;
  }
  const out = config.output.logstash;
  if (!out || out.enabled === false) return [at('output is not output.logstash')];
  const problems: Diagnostic[] = [];
  out.hosts.forEach((hostPort, i) => {
    const { host, port } = splitHost(hostPort);
    const listener = listeners.find((l) => l.names.includes(host));
    if (!listener) {
      problems.push(
        at(
          `output.logstash.hosts[${i}] ${hostPort} is not a Logstash beats input (expected one of ${listeners.flatMap((l) => l.names.map((n) => `${n}:${l.port}`)).join(', ')})`,
        ),
      );
      return;
    }
    const wildcard = listener.host === undefined || listener.host === '0.0.0.0' || listener.host === '::';
    if (!wildcard && isIP(host) !== 0 && host !== listener.host) {
      problems.push(at(`output.logstash.hosts[${i}] ${hostPort}: Logstash's beats input only listens on ${listener.host}`));
    }
    if (listener.port !== port)
      problems.push(at(`output.logstash.hosts[${i}] ${hostPort}: Logstash's beats input listens on port ${listener.port}`));
    const sslOn = out.ssl !== undefined && out.ssl.enabled !== false;
    if (listener.tls !== sslOn) {
      problems.push(
        at(
          `output.logstash.ssl is ${sslOn ? 'enabled' : 'disabled'} but Logstash's beats input ${listener.tls ? 'requires' : 'does not use'} TLS`,
        ),
      );
      return;
    }
    if (!listener.tls || !out.ssl) return;
    if (listener.clientAuth && (out.ssl.certificate === undefined || out.ssl.key === undefined)) {
      problems.push(at(`output.logstash.ssl has no certificate and key, but Logstash's beats input requires a client certificate`));
    }
    const mode = out.ssl.verification_mode ?? 'full';
    if (mode !== 'full' && mode !== 'strict')
      problems.push(at(`output.logstash.ssl.verification_mode is ${mode}: the Logstash certificate must be verified (full)`));
    const cas = out.ssl.certificate_authorities ?? [];
    const caPath = caBundlePath(ctx, node);
    if (!cas.includes(caPath)) {
      problems.push(at(`output.logstash.ssl.certificate_authorities does not include our CA bundle ${caPath}`));
    } else {
      const ca = bundle.find((a) => a.path === caPath);
      if (!ca) problems.push(at(`CA bundle ${caPath} is not rendered on the node`));
      else if (ca.content.trim() !== listener.caCert.trim())
        problems.push(at(`CA bundle ${caPath} is not the CA that signed Logstash's certificate`));
    }
  });
  return problems;
}

/**
 * Fails the render when Filebeat's output on any node disagrees with Logstash's beats input: host (a name the
 * Logstash certificate covers), port, TLS on both ends, certificate verification against the CA that signed it.
 */
export function filebeatLogstashCheck(options: FilebeatLogstashCheckOptions = {}): StackCheck {
  return {
    name: 'filebeat-output-matches-logstash-beats-input',
    check(ctx, bundles) {
      const listeners = options.beatsListeners?.(ctx, bundles) ?? renderedListeners(ctx, bundles);
      if (listeners.length === 0) return [{ path: [], message: 'no Logstash beats input rendered: Filebeat has nowhere to ship to' }];
      return ctx.env.nodes
        .filter((node) => servicesOn(ctx.env, node).includes('filebeat'))
        .flatMap((node) => checkNodeAgainstLogstash(ctx, node, bundles.get(node.name) ?? [], listeners));
    },
  };
}

/** The beats inputs of the rendered Logstash pipeline, or the environment's promise when Logstash is not rendered here. */
function renderedListeners(ctx: RenderContext, bundles: ReadonlyMap<string, readonly Artifact[]>): readonly BeatsListener[] {
  const node = nodeWithRole(ctx.env, 'logstash');
  const logstashRendered = (bundles.get(node.name) ?? []).some((a) => a.service === 'logstash');
  if (!logstashRendered) return [environmentBeatsListener(ctx.env, ctx.pki.caCert)];
  return renderedBeatsInputs(ctx, bundles);
}

/** The check registered in the stack. */
export const filebeatLogstashAgreement: StackCheck = filebeatLogstashCheck();
