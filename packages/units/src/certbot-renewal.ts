import { dirname } from 'node:path';
import { type Artifact, artifact, execLine, sandbox, shellQuote } from '@chatops/core';
import { type Environment, type NodeSpec, type ServiceRenderer, nodePath, publicHosts } from '@chatops/environment';
import { unitArtifact } from './_common.js';

/** HAProxy's public PEM bundle (fullchain + key), as @chatops/haproxy-config names it. */
export function haproxyBundlePath(env: Environment, node: NodeSpec): string {
  return nodePath(env, node, `/etc/haproxy/certs/${env.domain}.pem`);
}

export interface CertbotRenewalProps {
  /** @default '/usr/bin/certbot' (Debian `certbot`) */
  readonly certbot?: string;
  /** When the timer fires (systemd.time(7)). @default '*-*-* 00,12:00:00' */
  readonly onCalendar?: string;
  /** @default '1h' */
  readonly randomizedDelay?: string;
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
 * Let's Encrypt renewal on the load balancer: `certbot-renew.timer` runs `certbot renew` with the standalone
 * authenticator on the node's `localAddress`:`ports.certbot` (HAProxy routes `/.well-known/acme-challenge/` there, so nothing
 * else binds port 80), and a deploy hook rebuilds HAProxy's PEM bundle and reloads HAProxy. Debian's own
 * `certbot.service` gets a drop-in running the same command, so its packaged timer can never bind port 80.
 */
export function certbotRenewalUnits(props: CertbotRenewalProps = {}): ServiceRenderer {
  // systemd 252 scores each 1.7.
  const budget = { max: 2.0 };
  return {
    service: 'certbot',
    securityBudgets: { 'certbot-renew.service': budget, 'certbot-issue.service': budget, 'certbot.service': budget },
    render(node, ctx) {
      const { env } = ctx;
      const bundle = (props.bundlePath ?? haproxyBundlePath)(env, node);
      const hookPath = nodePath(env, node, '/etc/chatops/certbot/haproxy-deploy-hook.sh');
      const renew = execLine([
        props.certbot ?? '/usr/bin/certbot',
        'renew',
        '--quiet',
        '--non-interactive',
        '--cert-name',
        env.domain,
        '--standalone',
        '--http-01-address',
        node.localAddress,
        '--http-01-port',
        String(env.ports.certbot),
        '--deploy-hook',
        hookPath,
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
      const service = {
        Type: 'oneshot',
        ExecStart: renew,
        ...confined,
      };
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
              '--standalone',
              '--http-01-address',
              node.localAddress,
              '--http-01-port',
              String(env.ports.certbot),
              '--deploy-hook',
              hookPath,
            ])
          : undefined;
      const artifacts: Artifact[] = [
        artifact({ path: hookPath, content: deployHook(env, bundle), mode: '0755', service: 'certbot-renew', action: 'none' }),
        unitArtifact(
          env,
          node,
          'certbot-renew.service',
          {
            Unit: {
              Description: "Renew the Let's Encrypt certificate (rendered by @chatops/units)",
              Wants: 'network-online.target',
              After: ['network-online.target', 'haproxy.service'],
            },
            Service: service,
          },
          { action: 'none' },
        ),
        unitArtifact(
          env,
          node,
          'certbot-renew.timer',
          {
            Unit: { Description: "Twice-daily Let's Encrypt renewal (rendered by @chatops/units)" },
            Timer: {
              OnCalendar: props.onCalendar ?? '*-*-* 00,12:00:00',
              RandomizedDelaySec: props.randomizedDelay ?? '1h',
              Persistent: 'true',
              Unit: 'certbot-renew.service',
            },
            Install: { WantedBy: 'timers.target' },
          },
          { service: 'certbot-renew.timer', action: 'restart' },
        ),
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
