import { dirname } from 'node:path';
import { type Artifact, artifact, execLine, sandbox, shellQuote } from '@chatops/core';
import { type Environment, type NodeSpec, type ServiceRenderer, nodePath, publicHosts } from '@chatops/environment';
import { unitArtifact } from './_common.js';
import { certbotFacts } from './facts.js';

/** HAProxy's public PEM bundle (fullchain + key), as @chatops/haproxy-config names it. */
export function haproxyBundlePath(env: Environment, node: NodeSpec): string {
  return nodePath(env, node, `/etc/haproxy/certs/${env.domain}.pem`);
}

export interface CertbotRenewalProps {
  /** @default '/usr/bin/certbot' (Debian `certbot`) */
  readonly certbot?: string;
  /** HAProxy's PEM bundle path. @default haproxyBundlePath(env, node) */
  readonly bundlePath?: (env: Environment, node: NodeSpec) => string;
}

function deployHook(env: Environment, bundle: string): string {
  return `${[
    '#!/bin/sh',
    "# Rendered by @chatops/units: certbot deploy hook. Rebuilds HAProxy's PEM bundle from the renewed lineage",
    '# (fullchain + private key, 0600) and reloads HAProxy without dropping connections.',
    'set -eu',
    `live="\${RENEWED_LINEAGE:-/etc/letsencrypt/live/${env.domain}}"`,
    `bundle=${shellQuote(bundle)}`,
    'umask 077',
    'mkdir -p "$(dirname "$bundle")"',
    'tmp="$bundle.tmp.$$"',
    'cat "$live/fullchain.pem" "$live/privkey.pem" > "$tmp"',
    'chmod 0600 "$tmp"',
    'mv -f "$tmp" "$bundle"',
    'systemctl reload haproxy.service',
  ].join('\n')}\n`;
}

/**
 * Let's Encrypt renewal on the load balancer. Debian's `certbot` package ships `certbot.timer` (twice a day,
 * randomised) and `certbot.service`; we render no timer of our own (two would renew twice) but a drop-in for
 * Debian's `certbot.service`: `certbot renew` with the standalone authenticator on the node's
 * `localAddress`:`ports.certbot` (HAProxy routes `/.well-known/acme-challenge/` there, so nothing else binds port
 * 80), ordered after `haproxy.service`, and a deploy hook that rebuilds HAProxy's PEM bundle and reloads HAProxy.
 * `certbot-issue.service` obtains the first certificate once.
 */
export function certbotRenewalUnits(props: CertbotRenewalProps = {}): ServiceRenderer {
  // systemd 252 scores each 1.7.
  const budget = { max: 2.0 };
  return {
    ...certbotFacts,
    securityBudgets: { 'certbot-issue.service': budget, 'certbot.service': budget },
    render(node, ctx) {
      const { env } = ctx;
      const bundle = (props.bundlePath ?? haproxyBundlePath)(env, node);
      const hookPath = nodePath(env, node, '/etc/chatops/certbot/haproxy-deploy-hook.sh');
      // Both certbot runs answer the ACME challenge themselves behind HAProxy and rebuild HAProxy's bundle after.
      const standalone = [
        '--standalone',
        '--http-01-address',
        node.localAddress,
        '--http-01-port',
        String(env.ports.certbot),
        '--deploy-hook',
        hookPath,
      ];
      const renew = execLine([
        props.certbot ?? '/usr/bin/certbot',
        'renew',
        '--quiet',
        '--non-interactive',
        '--cert-name',
        env.domain,
        ...standalone,
      ]);
      // certbot writes its lineage and logs, the deploy hook HAProxy's bundle and `systemctl reload`s HAProxy
      // (root over systemd's socket). Root without capabilities; certbot chowns renewed keys (no @privileged
      // filter) and Python's cffi callbacks need writable executable memory.
      const confined = sandbox({
        root: true,
        writable: ['/etc/letsencrypt', '/var/lib/letsencrypt', '/var/log/letsencrypt', dirname(bundle)],
        memoryDenyWriteExecute: false,
        denySyscalls: ['@resources'],
      });
      const tls = env.tls.public;
      // The first certificate: requested once HAProxy is up (it routes the ACME challenge to certbot), skipped
      // for good once the lineage exists; renewals then keep it current.
      const issue =
        tls.mode === 'letsencrypt'
          ? execLine([
              props.certbot ?? '/usr/bin/certbot',
              'certonly',
              '--non-interactive',
              '--agree-tos',
              '--email',
              tls.email,
              ...(tls.staging ? ['--staging'] : []),
              '--cert-name',
              env.domain,
              '--expand',
              ...publicHosts(env).flatMap((h) => ['-d', h]),
              ...standalone,
            ])
          : undefined;
      const artifacts: Artifact[] = [
        artifact({ path: hookPath, content: deployHook(env, bundle), mode: '0755', service: 'certbot', action: 'none' }),
        ...(issue
          ? [
              unitArtifact(
                env,
                node,
                'certbot-issue.service',
                {
                  Unit: {
                    Description: "Obtain the first Let's Encrypt certificate (rendered by @chatops/units)",
                    ConditionPathExists: `!/etc/letsencrypt/live/${env.domain}/fullchain.pem`,
                    Wants: ['network-online.target', 'haproxy.service'],
                    After: ['network-online.target', 'haproxy.service'],
                  },
                  Service: { Type: 'oneshot', ExecStart: issue, RemainAfterExit: 'no', ...confined },
                  Install: { WantedBy: 'multi-user.target' },
                },
                { service: 'certbot-issue', action: 'restart' },
              ),
            ]
          : []),
        unitArtifact(
          env,
          node,
          'certbot.service.d/chatops.conf',
          {
            // Debian's unit orders only by itself; the standalone server must not race HAProxy's start, and the
            // deploy hook reloads HAProxy.
            Unit: { Wants: 'network-online.target', After: ['network-online.target', 'haproxy.service'] },
            Service: { ExecStart: ['', renew], ...confined },
          },
          { service: 'certbot', action: 'none' },
        ),
      ];
      return { artifacts };
    },
  };
}

export const certbotRenderer: ServiceRenderer = certbotRenewalUnits();
