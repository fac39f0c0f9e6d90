import { type Artifact, argsVariable, artifact, execLine, printEnvFile, raw, sandbox } from '@chatops/core';
import { type ServiceRenderer, serviceCertificate, tlsFiles } from '@chatops/environment';
import { joinHostPort, unitArtifact } from './_common.js';
import { endpointFor, exporterArgsPath } from './exporters.js';
import { TLS_TERMINATOR_BUDGET, terminatorClientHosts, tlsTerminator } from './tls-terminator.js';
import { cadvisorFacts } from './facts.js';

export interface CadvisorUnitProps {
  /** Loopback port cAdvisor itself listens on (the TLS terminator takes `ports.cadvisor`). @default env.ports.cadvisorLocal (18080) */
  readonly loopbackPort?: number;
  /** @default '/usr/local/bin/cadvisor' (upstream release binary; Debian 12 has no package) */
  readonly binary?: string;
  /** Extra cAdvisor flags. @default [] */
  readonly extraArgs?: readonly string[];
}

/**
 * cAdvisor on ChatOps nodes. It has no TLS or auth of its own, so it listens on 127.0.0.1 and `cadvisor-tls`
 * (stunnel4) serves it over TLS with our certificate at the node address and `ports.cadvisor`, where the
 * `cadvisor` scrape job expects it. Its `container_last_seen{name=...}` series is what the instance-down alert watches.
 */
export function cadvisorUnit(props: CadvisorUnitProps = {}): ServiceRenderer {
  return {
    ...cadvisorFacts,
    securityBudgets: {
      'cadvisor.service': {
        max: 3.0,
        why: "root with CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE: it reads every container's /proc, host cgroups, devices and /var/lib/docker (systemd 252: 2.4)",
      },
      'cadvisor-tls.service': TLS_TERMINATOR_BUDGET,
    },
    certificates: (env, node) => [serviceCertificate(env, node, 'cadvisor')],
    render(node, ctx) {
      const { env } = ctx;
      const loopbackPort = props.loopbackPort ?? env.ports.cadvisorLocal;
      const ep = endpointFor(env, node, 'cadvisor');
      const argsPath = exporterArgsPath(env, node, 'cadvisor');
      const args = [
        `--listen_ip=${node.localAddress}`,
        `--port=${loopbackPort}`,
        `--prometheus_endpoint=${ep.path}`,
        '--docker_only=true',
        '--store_container_labels=false',
        '--housekeeping_interval=10s',
        ...(props.extraArgs ?? []),
      ];
      const tls = tlsFiles(ctx, node, 'cadvisor', { owner: 'stunnel4', action: 'reload' });
      const artifacts: Artifact[] = [
        artifact({
          path: argsPath,
          content: printEnvFile(
            { ARGS: argsVariable(args) },
            { header: 'Rendered by @chatops/units: cAdvisor arguments (read by cadvisor.service).' },
          ),
          service: 'cadvisor',
          action: 'restart',
        }),
        unitArtifact(env, node, 'cadvisor.service', {
          Unit: {
            Description: 'cAdvisor container metrics on loopback (rendered by @chatops/units)',
            After: ['docker.service'],
            Wants: 'docker.service',
          },
          Service: {
            Type: 'simple',
            EnvironmentFile: argsPath,
            ExecStart: execLine([props.binary ?? '/usr/local/bin/cadvisor', raw('$ARGS')]),
            Restart: 'on-failure',
            RestartSec: '5s',
            // Root, reading host-wide /proc and cgroups, Docker's socket and state (/var/lib/docker is 0710 root):
            // it keeps only what reading other processes' files needs; it writes nothing.
            ...sandbox({
              root: true,
              capabilities: ['CAP_DAC_READ_SEARCH', 'CAP_SYS_PTRACE'],
              hideProc: false,
              privateDevices: false,
              addressFamilies: ['AF_INET', 'AF_INET6', 'AF_UNIX', 'AF_NETLINK'],
            }),
          },
          Install: { WantedBy: 'multi-user.target' },
        }),
        ...tls.artifacts,
        ...tlsTerminator(env, node, {
          unit: 'cadvisor-tls',
          description: 'TLS terminator for cAdvisor',
          backendUnit: 'cadvisor.service',
          services: {
            // Mutual TLS: only clients with a certificate from our CA on the Prometheus and blackbox exporter nodes
            // (scrapes, probes) get through.
            cadvisor: {
              accept: joinHostPort(node.address, ep.port),
              connect: joinHostPort(node.localAddress, loopbackPort),
              cert: tls.certFile,
              key: tls.keyFile,
              sslVersionMin: 'TLSv1.2',
              CAfile: tls.caFile,
              verifyChain: 'yes',
              checkHost: terminatorClientHosts(env, ['prometheus', 'blackbox-exporter']),
            },
          },
        }),
      ];
      return { artifacts };
    },
  };
}

export const cadvisorRenderer: ServiceRenderer = cadvisorUnit();
