import {
  type Artifact,
  ConfigError,
  type SandboxOptions,
  argsVariable,
  artifact,
  execLine,
  printEnvFile,
  raw,
  sandbox,
} from '@chatops/core';
import {
  type Environment,
  type MetricsEndpoint,
  type NodeSpec,
  type ServiceName,
  type ServiceRenderer,
  metricsEndpoints,
  nodePath,
  serviceCertificate,
  tlsFiles,
} from '@chatops/environment';
import { joinHostPort, unitArtifact } from './_common.js';
import { mutualTlsServerConfig } from '@chatops/prometheus-common';
import { printExporterWebConfig } from './exporter-web-config.js';
import { nodeExporterFacts, systemdExporterFacts } from './facts.js';

/** Directory of the exporters' web configs. */
export const EXPORTERS_DIR = '/etc/chatops/exporters';

export interface ExporterUnitProps {
  /** Which exporter. */
  readonly service: 'node-exporter' | 'systemd-exporter';
  /** Unit name (without `.service`). @default 'prometheus-node-exporter' | 'systemd-exporter' */
  readonly unit?: string;
  /** Absolute path of the exporter binary. @default '/usr/bin/prometheus-node-exporter' (Debian) | '/usr/local/bin/systemd_exporter' (upstream release) */
  readonly binary?: string;
  /** User (and group) the exporter runs as; it reads the TLS key. @default 'prometheus' */
  readonly user?: string;
  /** Extra command-line flags (`--collector.x`), appended after the listen flags. @default [] */
  readonly extraArgs?: readonly string[];
  /** Whether a package ships the unit, which a drop-in then extends (else the whole unit is rendered). @default true for node-exporter under Debian's unit name, else false */
  readonly packaged?: boolean;
}

/** `packaged`: Debian ships the unit (we extend it with a drop-in); otherwise we render the whole unit. */
const DEFAULTS = {
  'node-exporter': {
    unit: 'prometheus-node-exporter',
    binary: '/usr/bin/prometheus-node-exporter',
    description: 'Prometheus node exporter',
    packaged: true,
  },
  'systemd-exporter': {
    unit: 'systemd-exporter',
    binary: '/usr/local/bin/systemd_exporter',
    description: 'Prometheus systemd exporter',
    packaged: false,
  },
} as const;

/**
 * Each exporter's sandbox and its `systemd-analyze security` budget. Both read host-wide /proc (node_exporter:
 * /proc/stat, meminfo, diskstats..., systemd_exporter: the units' processes), so /proc is not hidden; node_exporter
 * statfs()es every mount point, so /home stays visible read-only, and its netdev/wifi collectors use netlink.
 * systemd_exporter asks systemd over D-Bus with its real uid, so no private user namespace.
 */
// Budgets sit a little above today's score (systemd 252: 1.4 each) so a loosened sandbox fails the test.
const SANDBOX: Record<ExporterUnitProps['service'], { sandbox: SandboxOptions; budget: number }> = {
  'node-exporter': {
    sandbox: { hideProc: false, protectHome: 'read-only', addressFamilies: ['AF_INET', 'AF_INET6', 'AF_UNIX', 'AF_NETLINK'] },
    budget: 2.0,
  },
  'systemd-exporter': { sandbox: { hideProc: false, privateUsers: false }, budget: 2.0 },
};

/** The arguments file an exporter unit reads (`ARGS=...`): `/etc/default/<unit>`. */
export function exporterArgsPath(env: Environment, node: NodeSpec, unit: string): string {
  return nodePath(env, node, `/etc/default/${unit}`);
}

/** The metrics endpoint Prometheus scrapes for `service` on `node`: the exporter listens exactly there. */
export function endpointFor(env: Environment, node: NodeSpec, service: ServiceName): MetricsEndpoint {
  const found = metricsEndpoints(env).find((e) => e.service === service && e.node.name === node.name);
  if (!found)
    throw new ConfigError([
      { path: ['nodes', env.nodes.indexOf(node)], message: `${service} does not run on ${node.name} (no metrics endpoint)` },
    ]);
  return found;
}

const EXPORTER_FACTS = { 'node-exporter': nodeExporterFacts, 'systemd-exporter': systemdExporterFacts } as const;

/**
 * systemd unit + arguments file + exporter-toolkit web config (TLS with our certificate, bcrypt basic auth for
 * the Prometheus service account) for node_exporter or systemd_exporter, listening where `metricsEndpoints` says.
 */
export function exporterUnit(props: ExporterUnitProps): ServiceRenderer {
  const d = DEFAULTS[props.service];
  const unit = props.unit ?? d.unit;
  const binary = props.binary ?? d.binary;
  const user = props.user ?? 'prometheus';
  const packaged = props.packaged ?? (d.packaged && props.unit === undefined);
  return {
    ...EXPORTER_FACTS[props.service],
    securityBudgets: { [`${unit}.service`]: { max: SANDBOX[props.service].budget } },
    certificates: (env, node) => [serviceCertificate(env, node, props.service)],
    render(node, ctx) {
      const { env } = ctx;
      const ep = endpointFor(env, node, props.service);
      // exporter-toolkit re-reads the web config and certificate on each connection: no restart needed.
      const tls = tlsFiles(ctx, node, props.service, { owner: user, action: 'none' });
      const webConfigPath = nodePath(env, node, `${EXPORTERS_DIR}/${props.service}-web.yml`);
      const account = env.serviceAccounts.prometheus;
      const webConfig = artifact({
        path: webConfigPath,
        content: printExporterWebConfig({
          // Mutual TLS: only a client certificate from our CA with clientAuth usage (Prometheus') is accepted.
          tls_server_config: mutualTlsServerConfig(tls),
          ...(ep.basicAuth ? { basic_auth_users: { [account.name]: account.passwordHash } } : {}),
        }),
        mode: '0640',
        group: user,
        service: unit,
        action: 'none',
      });
      const args = [
        `--web.listen-address=${joinHostPort(node.address, ep.port)}`,
        `--web.telemetry-path=${ep.path}`,
        `--web.config.file=${webConfigPath}`,
        ...(props.extraArgs ?? []),
      ];
      const argsPath = exporterArgsPath(env, node, unit);
      // `$ARGS` (unbraced) is split into words by systemd.
      const execStart = execLine([binary, raw('$ARGS')]);
      const service = {
        User: user,
        Group: user,
        EnvironmentFile: argsPath,
        ExecStart: execStart,
        ...sandbox(SANDBOX[props.service].sandbox),
      };
      const artifacts: Artifact[] = [
        ...tls.artifacts,
        webConfig,
        artifact({
          path: argsPath,
          content: printEnvFile(
            { ARGS: argsVariable(args) },
            { header: `Rendered by @chatops/units: ${d.description} arguments (read by ${unit}.service).` },
          ),
          service: unit,
          action: 'restart',
        }),
        packaged
          ? // Debian's unit (restart policy, stop timeout, [Install]) extended by a drop-in: it restates the command
            // line (binary, arguments file under the path prefix) and the user, so the drop-in alone decides what
            // runs and how confined (its score).
            unitArtifact(
              env,
              node,
              `${unit}.service.d/chatops.conf`,
              { Service: { ...service, ExecStart: ['', execStart] } },
              { service: unit },
            )
          : unitArtifact(env, node, `${unit}.service`, {
              Unit: {
                Description: `${d.description} (rendered by @chatops/units)`,
                Wants: 'network-online.target',
                After: 'network-online.target',
              },
              Service: { Type: 'simple', ...service, Restart: 'on-failure', RestartSec: '5s' },
              Install: { WantedBy: 'multi-user.target' },
            }),
      ];
      return { artifacts };
    },
  };
}

/** node_exporter on every node (Debian's `prometheus-node-exporter` package and unit, our drop-in). */
export const nodeExporterRenderer: ServiceRenderer = exporterUnit({ service: 'node-exporter' });
/**
 * systemd_exporter on every node (upstream release binary, our unit), with the restart counter
 * (`systemd_service_restart_total`): units restart on failure every few seconds and never reach `failed`, so a
 * crash loop only shows as restarts (`SystemdUnitCrashLooping`).
 */
export const systemdExporterRenderer: ServiceRenderer = exporterUnit({
  service: 'systemd-exporter',
  extraArgs: ['--systemd.collector.enable-restart-count'],
});
