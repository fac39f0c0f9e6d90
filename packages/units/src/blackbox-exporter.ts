import { type Artifact, ConfigError, argsVariable, artifact, execLine, printEnvFile, raw, sandbox, toYaml } from '@chatops/core';
import {
  type Environment,
  type NodeSpec,
  type ProbeTarget,
  type ServiceRenderer,
  clientCertificate,
  clientTlsFiles,
  nodePath,
  probeTargets,
  serviceCertificate,
  tlsFiles,
} from '@chatops/environment';
import { z } from 'zod';
import { joinHostPort, unitArtifact } from './_common.js';
import { mutualTlsServerConfig } from '@chatops/prometheus-common';
import { printExporterWebConfig } from './exporter-web-config.js';
import { EXPORTERS_DIR, endpointFor, exporterArgsPath } from './exporters.js';
import { blackboxExporterFacts } from './facts.js';

/** Where the blackbox exporter's files go (Debian's `prometheus-blackbox-exporter` layout). */
export const BLACKBOX_PATHS = {
  config: '/etc/prometheus/blackbox.yml',
  /** The self-signed public certificate, trusted by the public probes when `tls.public.mode` is `self-signed`. */
  publicCa: '/etc/prometheus/blackbox-public-ca.pem',
} as const;

const tlsConfig = z.strictObject({
  ca_file: z.string().startsWith('/').optional(),
  cert_file: z.string().startsWith('/').optional(),
  key_file: z.string().startsWith('/').optional(),
  server_name: z.string().min(1).optional(),
  insecure_skip_verify: z.literal(false).optional(),
  min_version: z.enum(['TLS12', 'TLS13']).optional(),
});
const ipProtocol = z.enum(['ip4', 'ip6']);

/** One module of `blackbox.yml` (the subset of blackbox_exporter 0.23's format the stack uses). */
export const blackboxModuleSchema = z
  .strictObject({
    prober: z.enum(['http', 'tcp']),
    timeout: z
      .string()
      .regex(/^\d+(ms|s|m)$/)
      .optional(),
    http: z
      .strictObject({
        valid_status_codes: z.array(z.number().int().min(100).max(599)).optional(),
        method: z.enum(['GET', 'HEAD']).optional(),
        headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string().min(1)).optional(),
        follow_redirects: z.boolean().optional(),
        fail_if_not_ssl: z.boolean().optional(),
        preferred_ip_protocol: ipProtocol.optional(),
        ip_protocol_fallback: z.boolean().optional(),
        tls_config: tlsConfig.optional(),
      })
      .optional(),
    tcp: z
      .strictObject({
        tls: z.boolean().optional(),
        preferred_ip_protocol: ipProtocol.optional(),
        ip_protocol_fallback: z.boolean().optional(),
        tls_config: tlsConfig.optional(),
      })
      .optional(),
  })
  .refine((m) => (m.prober === 'http' ? m.tcp === undefined : m.http === undefined), {
    message: 'a module configures only its own prober',
  });

export const blackboxConfigSchema = z.strictObject({ modules: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), blackboxModuleSchema) });
export type BlackboxConfig = z.output<typeof blackboxConfigSchema>;

/** Prints `blackbox.yml` after validating it (`prometheus-blackbox-exporter --config.check` checks it natively). */
export function printBlackboxConfig(config: BlackboxConfig): string {
  const parsed = blackboxConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ path: i.path.filter((p): p is string | number => typeof p !== 'symbol'), message: i.message })),
      config,
    );
  }
  return `# Rendered by @chatops/units: blackbox exporter modules, one per probed server name.\n${toYaml(parsed.data)}`;
}

/** Status codes a public host answers an anonymous `GET /` with while it works (the edge asks for credentials). */
const PUBLIC_OK = [200, 301, 302, 401];

/**
 * The blackbox modules of the stack's probes: a public module verifies the public chain (the system roots, or
 * the self-signed certificate) with the host's SNI and Host header, and does not follow redirects (they point
 * at names this node may not resolve); an internal module completes a TLS handshake verified against our CA for
 * the node's FQDN. `probe_ssl_earliest_cert_expiry` comes from both.
 */
export function stackBlackboxConfig(
  targets: readonly ProbeTarget[],
  files: { caFile: string; publicCaFile?: string; clientCert?: { certFile: string; keyFile: string } },
): BlackboxConfig {
  // Internal listeners require a client certificate from our CA (mutual TLS): the exporter presents its own.
  const client = files.clientCert ? { cert_file: files.clientCert.certFile, key_file: files.clientCert.keyFile } : {};
  const modules: BlackboxConfig['modules'] = {};
  for (const t of targets) {
    if (modules[t.module]) continue;
    modules[t.module] =
      t.job === 'probe-public'
        ? {
            prober: 'http',
            timeout: '10s',
            http: {
              valid_status_codes: PUBLIC_OK,
              headers: { Host: t.serverName },
              follow_redirects: false,
              fail_if_not_ssl: true,
              preferred_ip_protocol: 'ip4',
              tls_config: { server_name: t.serverName, ...(files.publicCaFile ? { ca_file: files.publicCaFile } : {}) },
            },
          }
        : {
            prober: 'tcp',
            timeout: '10s',
            tcp: { tls: true, preferred_ip_protocol: 'ip4', tls_config: { ca_file: files.caFile, ...client, server_name: t.serverName } },
          };
  }
  return { modules };
}

const SERVICE = 'blackbox-exporter';
const UNIT = 'prometheus-blackbox-exporter';

/** The exporter's flags: where it listens (its metrics endpoint), its modules and its web config. */
function blackboxArgs(env: Environment, node: NodeSpec, configFile: string, webConfigFile: string): string[] {
  const ep = endpointFor(env, node, SERVICE);
  return [
    `--config.file=${configFile}`,
    `--web.listen-address=${joinHostPort(node.address, ep.port)}`,
    `--web.config.file=${webConfigFile}`,
  ];
}

/**
 * The blackbox exporter on the Prometheus node (Debian's `prometheus-blackbox-exporter` package and unit, our
 * drop-in): its
 * modules from `probeTargets(env)`, TLS with our certificate and the Prometheus service account's basic auth on
 * its web endpoint (probes and its own metrics), like every exporter.
 */
export function blackboxExporterUnit(props: { readonly binary?: string; readonly user?: string } = {}): ServiceRenderer {
  const binary = props.binary ?? '/usr/bin/prometheus-blackbox-exporter';
  const user = props.user ?? 'prometheus';
  return {
    ...blackboxExporterFacts,
    securityBudgets: { [`${UNIT}.service`]: { max: 1.5 } }, // systemd 252 scores it 1.1
    certificates: (env, node) => [serviceCertificate(env, node, SERVICE), clientCertificate(env, node, SERVICE)],
    render(node, ctx) {
      const { env } = ctx;
      const p = (path: string) => nodePath(env, node, path);
      const tls = tlsFiles(ctx, node, SERVICE, { owner: user, action: 'none' });
      // Read at each probe: a renewed client certificate needs no reload.
      const client = clientTlsFiles(ctx, node, SERVICE, { owner: user, action: 'none' });
      const artifacts: Artifact[] = [...tls.artifacts, ...client.artifacts];
      let publicCaFile: string | undefined;
      if (env.tls.public.mode === 'self-signed') {
        publicCaFile = p(BLACKBOX_PATHS.publicCa);
        artifacts.push(artifact({ path: publicCaFile, content: ctx.pki.publicCert.cert, service: UNIT, action: 'reload' }));
      }
      const configFile = p(BLACKBOX_PATHS.config);
      artifacts.push(
        artifact({
          path: configFile,
          content: printBlackboxConfig(stackBlackboxConfig(probeTargets(env), { caFile: tls.caFile, publicCaFile, clientCert: client })),
          service: UNIT,
          action: 'reload',
        }),
      );
      const webConfigFile = p(`${EXPORTERS_DIR}/${SERVICE}-web.yml`);
      const account = env.serviceAccounts.prometheus;
      artifacts.push(
        artifact({
          path: webConfigFile,
          content: printExporterWebConfig({
            // Mutual TLS: only Prometheus' client certificate (clientAuth, our CA) gets through, then basic auth.
            tls_server_config: mutualTlsServerConfig(tls),
            basic_auth_users: { [account.name]: account.passwordHash },
          }),
          mode: '0640',
          group: user,
          service: UNIT,
          action: 'none',
        }),
      );
      const argsPath = exporterArgsPath(env, node, UNIT);
      artifacts.push(
        artifact({
          path: argsPath,
          content: printEnvFile(
            { ARGS: argsVariable(blackboxArgs(env, node, configFile, webConfigFile)) },
            { header: `Rendered by @chatops/units: blackbox exporter arguments (read by ${UNIT}.service).` },
          ),
          service: UNIT,
          action: 'restart',
        }),
        // Debian's unit (its restart policy, ExecReload=, [Install]) extended by a drop-in that restates the command
        // line and the user, so the drop-in alone decides what runs and how confined (its score).
        unitArtifact(
          env,
          node,
          `${UNIT}.service.d/chatops.conf`,
          {
            Service: {
              User: user,
              Group: user,
              EnvironmentFile: argsPath,
              ExecStart: ['', execLine([binary, raw('$ARGS')])],
              // HTTP and TCP probes only (no ICMP: no CAP_NET_RAW, no raw sockets).
              ...sandbox(),
            },
          },
          { service: UNIT },
        ),
      );
      return {
        artifacts,
        checks: [
          {
            name: 'prometheus-blackbox-exporter --config.check',
            command: 'prometheus-blackbox-exporter',
            args: [`--config.file=${configFile}`, '--config.check'],
          },
          { name: 'promtool check web-config (blackbox-exporter)', command: 'promtool', args: ['check', 'web-config', webConfigFile] },
        ],
      };
    },
  };
}

/** The stack's blackbox exporter renderer. */
export const blackboxExporterRenderer: ServiceRenderer = blackboxExporterUnit();
