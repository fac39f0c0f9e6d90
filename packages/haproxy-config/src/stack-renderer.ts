import { artifact, printUnitFile, sandbox } from '@chatops/core';
import {
  type NodeSpec,
  type RenderContext,
  type ServiceRenderer,
  caBundle,
  caBundlePath,
  certificateId,
  clientCertificate,
  clientCertificateId,
  nodePath,
  serviceCertificate,
} from '@chatops/environment';
import { buildEdgeConfig } from './edge-config.js';
import { printHaproxyConfig } from './render.js';
import { haproxyFacts } from './facts.js';

/** Where the stack puts HAProxy's files on the load balancer (before the environment's path prefix). */
export const HAPROXY_PATHS = {
  config: '/etc/haproxy/haproxy.cfg',
  certDir: '/etc/haproxy/certs',
  adminSocket: '/run/haproxy/admin.sock',
  /** Debian's tmpfiles.d creates it (haproxy:haproxy 2775); the only path HAProxy writes. */
  runDir: '/run/haproxy',
  /** Our drop-in on Debian's `haproxy.service`: its sandbox. */
  dropIn: '/etc/systemd/system/haproxy.service.d/chatops.conf',
} as const;

/**
 * The drop-in confining Debian's `haproxy.service` (which ships its sandbox commented out). HAProxy starts as root
 * to bind :80/:443, chroot and switch to `haproxy`: it keeps exactly those capabilities (and `chown` for an admin
 * socket given to a group). The pid file and master socket move from `/run` into `/run/haproxy`, the only
 * writable path. Debian builds HAProxy with PCRE2 JIT, which a regex ACL needs writable executable memory for.
 */
function haproxyDropIn(runDir: string, chownSocket: boolean): string {
  return printUnitFile(
    {
      Service: {
        Environment: `"PIDFILE=${runDir}/haproxy.pid" "EXTRAOPTS=-S ${runDir}/master.sock"`,
        ...sandbox({
          root: true,
          capabilities: ['CAP_NET_BIND_SERVICE', 'CAP_SETUID', 'CAP_SETGID', 'CAP_SYS_CHROOT', ...(chownSocket ? ['CAP_CHOWN'] : [])],
          writable: [runDir],
          allowSyscalls: ['chroot'],
          // It switches users (@privileged holds setuid/setgroups/chroot); nothing of @resources.
          denySyscalls: ['@resources'],
          memoryDenyWriteExecute: false,
        }),
      },
    },
    { header: 'Rendered by @chatops/haproxy-config: do not edit.' },
  );
}

/** The public certificate bundle path: certbot's deploy hook rebuilds this same file from Let's Encrypt's live files. */
export function publicCertPath(ctx: RenderContext, node: NodeSpec): string {
  return nodePath(ctx.env, node, `${HAPROXY_PATHS.certDir}/${ctx.env.domain}.pem`);
}

/**
 * The stack's HAProxy: `haproxy.cfg` (0640 root:haproxy), the public certificate bundle (self-signed, or the
 * bootstrap until certbot has a Let's Encrypt one), the load balancer's own leaf bundle for the metrics endpoint
 * and our CA bundle that backends are verified against.
 */
export const haproxyRenderer: ServiceRenderer = {
  ...haproxyFacts,
  certificates: (env, node) => [serviceCertificate(env, node, 'haproxy', { loopback: true }), clientCertificate(env, node, 'haproxy')],
  securityBudgets: {
    'haproxy.service': { max: 2.5 }, // systemd 252: 2.4 (root with the capabilities of haproxyDropIn)
  },
  render(node, ctx) {
    const { env, pki } = ctx;
    const configPath = nodePath(env, node, HAPROXY_PATHS.config);
    const publicCertFile = publicCertPath(ctx, node);
    const internalCertFile = nodePath(env, node, `${HAPROXY_PATHS.certDir}/internal.pem`);
    const clientCertFile = nodePath(env, node, `${HAPROXY_PATHS.certDir}/client.pem`);
    const model = buildEdgeConfig(env, node, {
      publicCertFile,
      internalCertFile,
      caFile: caBundlePath(ctx, node),
      clientCertFile,
      adminSocket: nodePath(env, node, HAPROXY_PATHS.adminSocket),
    });
    const leaf = pki.leaf(certificateId(node, 'haproxy'));
    const bundle = (path: string, c: { cert: string; key: string; chain: string }, createOnly = false) =>
      artifact({
        path,
        content: pem(c.cert, c.key, c.chain),
        mode: '0600',
        owner: 'haproxy',
        group: 'haproxy',
        secret: true,
        service: 'haproxy',
        createOnly,
      });
    return {
      artifacts: [
        artifact({
          path: configPath,
          content: printHaproxyConfig(model),
          mode: '0640',
          owner: 'root',
          group: 'haproxy',
          service: 'haproxy',
        }),
        // With Let's Encrypt the self-signed bundle only bootstraps HAProxy: certbot's deploy hook owns the file
        // afterwards, so a later deploy must not put the self-signed certificate back.
        bundle(publicCertFile, pki.publicCert, env.tls.public.mode === 'letsencrypt'),
        bundle(internalCertFile, leaf),
        // The client leaf it presents to backends that require one (mutual TLS).
        bundle(clientCertFile, pki.leaf(clientCertificateId(node, 'haproxy'))),
        caBundle(ctx, node, 'haproxy'),
        artifact({
          path: nodePath(env, node, HAPROXY_PATHS.dropIn),
          content: haproxyDropIn(
            nodePath(env, node, HAPROXY_PATHS.runDir),
            (model.global?.statsSockets ?? []).some((s) => 'group' in s || 'user' in s),
          ),
          mode: '0644',
          service: 'haproxy',
          action: 'restart',
        }),
      ],
      checks: [{ name: 'haproxy -c', command: 'haproxy', args: ['-c', '-dW', '-f', configPath] }],
    };
  },
};

/** An HAProxy `crt` bundle: certificate, private key, then the issuing chain; each block ends with a newline. */
export function pem(...blocks: string[]): string {
  return blocks
    .filter((b) => b.trim() !== '')
    .map((b) => (b.endsWith('\n') ? b : `${b}\n`))
    .join('');
}
