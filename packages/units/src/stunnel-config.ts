import { absolutePath, hostname, validateWith } from '@chatops/core';
import { z } from 'zod';

const address = z
  .string()
  .regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5}$/, { message: 'expected ADDRESS:PORT (an explicit IP address)' });

/** One `[service]` section of stunnel.conf(5) in server mode: accept TLS, forward plain TCP to `connect`. */
export const stunnelServiceSchema = z.strictObject({
  accept: address,
  connect: address,
  cert: absolutePath,
  key: absolutePath,
  sslVersionMin: z.enum(['TLSv1.2', 'TLSv1.3']).optional(),
  /** Clients must present a certificate that chains to `CAfile` (mutual TLS). */
  CAfile: absolutePath.optional(),
  verifyChain: z.literal('yes').optional(),
  /**
   * Only a client certificate naming one of these hosts (a DNS subject alternative name) is accepted; one
   * `checkHost` line each. stunnel 5.68 applies it to the client's certificate in server mode.
   */
  checkHost: z.array(hostname).min(1).optional(),
  TIMEOUTclose: z.number().int().min(0).optional(),
});

/** stunnel.conf: global options plus named services. */
export const stunnelConfigSchema = z.strictObject({
  global: z.strictObject({
    foreground: z.enum(['yes', 'no', 'quiet']).optional(),
    /** An empty string disables the pid file (the unit tracks the process). */
    pid: z.union([z.literal(''), absolutePath]).optional(),
    output: absolutePath.optional(),
    debug: z
      .string()
      .regex(/^[0-7]$|^[a-z]+\.[0-7]$/)
      .optional(),
  }),
  services: z
    .record(z.string().regex(/^[A-Za-z0-9_.-]+$/), stunnelServiceSchema)
    .refine((s) => Object.keys(s).length > 0, { message: 'at least one service' }),
});
export type StunnelConfig = z.infer<typeof stunnelConfigSchema>;
export type StunnelService = z.infer<typeof stunnelServiceSchema>;

/** Prints stunnel.conf: global options first, then one section per service (in insertion order). */
export function printStunnelConfig(config: StunnelConfig): string {
  const c = validateWith(stunnelConfigSchema, config);
  const accepts = new Set<string>();
  const line = (k: string, v: string | number | readonly string[] | undefined): string[] =>
    v === undefined ? [] : Array.isArray(v) ? v.map((x) => `${k} = ${x}`) : [`${k} = ${v}`];
  const blocks = [
    ['; Rendered by @chatops/units: TLS terminator (stunnel4).', ...Object.entries(c.global).flatMap(([k, v]) => line(k, v))].join('\n'),
  ];
  for (const [name, s] of Object.entries(c.services)) {
    if (accepts.has(s.accept)) throw new Error(`stunnel services accept twice on ${s.accept}`);
    accepts.add(s.accept);
    blocks.push([`[${name}]`, ...Object.entries(s).flatMap(([k, v]) => line(k, v))].join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

/** Parses the `[service]` sections of a stunnel.conf back (for cross-checks reading rendered files; a repeated key keeps its last value). */
export function parseStunnelServices(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (l === '' || l.startsWith(';') || l.startsWith('#')) continue;
    const h = /^\[(.+)\]$/.exec(l);
    if (h) {
      current = out[h[1]!] = {};
      continue;
    }
    const m = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(l);
    if (m && current) current[m[1]!] = m[2]!;
  }
  return out;
}
