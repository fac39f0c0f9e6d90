import { hostPortToken, line, word } from './_tokens.js';
import type { Backend, Defaults, Frontend, HaproxyConfig, Listen, Stats, Timeouts } from './haproxy-config.js';
import type { Bind, DefaultServer, Server } from './model-endpoints.js';
import type { Acl, HttpAfterResponseRule, HttpRequestRule, HttpResponseRule } from './model-rules.js';
import type { Global } from './model-sections.js';

const INDENT = '    ';
type LogSetting = Frontend['log'];

function guardTokens(g: { if?: string | undefined; unless?: string | undefined }): string | undefined {
  if (g.if !== undefined) return `if ${g.if}`;
  if (g.unless !== undefined) return `unless ${g.unless}`;
  return undefined;
}

function logLines(log: LogSetting | Defaults['log']): string[] {
  if (log === undefined) return [];
  if (log === 'global') return ['log global'];
  if (log === 'none') return ['no log'];
  return log.map((l) => line('log', l.target, ...(l.format ? ['format', l.format] : []), l.facility, l.level, l.minLevel));
}

function printGlobal(g: Global): string[] {
  const out: string[] = [];
  out.push(...logLines(g.log));
  if (g.chroot) out.push(`chroot ${g.chroot}`);
  if (g.pidfile) out.push(`pidfile ${g.pidfile}`);
  if (g.user) out.push(`user ${g.user}`);
  if (g.group) out.push(`group ${g.group}`);
  if (g.daemon) out.push('daemon');
  if (g.maxconn !== undefined) out.push(`maxconn ${g.maxconn}`);
  if (g.hardStopAfter) out.push(`hard-stop-after ${g.hardStopAfter}`);
  for (const s of g.statsSockets) {
    out.push(
      line(
        'stats socket',
        s.path,
        s.mode && `mode ${s.mode}`,
        s.group && `group ${s.group}`,
        s.level && `level ${s.level}`,
        s.exposeFdListeners && 'expose-fd listeners',
      ),
    );
  }
  if (g.statsTimeout) out.push(`stats timeout ${g.statsTimeout}`);
  if (g.sslDefaultBindCiphers) out.push(`ssl-default-bind-ciphers ${g.sslDefaultBindCiphers}`);
  if (g.sslDefaultBindCiphersuites) out.push(`ssl-default-bind-ciphersuites ${g.sslDefaultBindCiphersuites}`);
  if (g.sslDefaultBindOptions?.length) out.push(`ssl-default-bind-options ${g.sslDefaultBindOptions.join(' ')}`);
  if (g.sslDefaultServerCiphers) out.push(`ssl-default-server-ciphers ${g.sslDefaultServerCiphers}`);
  if (g.sslDefaultServerCiphersuites) out.push(`ssl-default-server-ciphersuites ${g.sslDefaultServerCiphersuites}`);
  if (g.sslDefaultServerOptions?.length) out.push(`ssl-default-server-options ${g.sslDefaultServerOptions.join(' ')}`);
  if (g.sslServerVerify) out.push(`ssl-server-verify ${g.sslServerVerify}`);
  if (g.tuneSslDefaultDhParam !== undefined) out.push(`tune.ssl.default-dh-param ${g.tuneSslDefaultDhParam}`);
  return out;
}

const TIMEOUT_ORDER: readonly (keyof Timeouts)[] = [
  'connect',
  'client',
  'server',
  'http-request',
  'http-keep-alive',
  'queue',
  'check',
  'tunnel',
  'client-fin',
  'server-fin',
];

function timeoutLines(t: Timeouts | undefined): string[] {
  if (!t) return [];
  return TIMEOUT_ORDER.flatMap((k) => (t[k] ? [`timeout ${k} ${t[k]}`] : []));
}

function defaultServerLine(d: DefaultServer | undefined): string[] {
  if (!d) return [];
  const text = line(
    'default-server',
    d.inter && `inter ${d.inter}`,
    d.fall !== undefined && `fall ${d.fall}`,
    d.rise !== undefined && `rise ${d.rise}`,
    d.maxconn !== undefined && `maxconn ${d.maxconn}`,
    d.initAddr && `init-addr ${d.initAddr.join(',')}`,
    d.resolvers && `resolvers ${d.resolvers}`,
  );
  return text === 'default-server' ? [] : [text];
}

function printAcl(a: Acl): string {
  const dashdash = a.values.some((v) => v.startsWith('-')) ? '--' : undefined;
  return line('acl', a.name, a.criterion, a.match && `-m ${a.match}`, a.ignoreCase && '-i', dashdash, ...a.values.map(word));
}

function printRequestRule(r: HttpRequestRule): string {
  const g = guardTokens(r);
  switch (r.action) {
    case 'redirect':
      return line(
        'http-request redirect',
        r.scheme && `scheme ${r.scheme}`,
        r.location !== undefined && `location ${word(r.location)}`,
        r.prefix !== undefined && `prefix ${word(r.prefix)}`,
        r.code !== undefined && `code ${r.code}`,
        g,
      );
    case 'set-header':
    case 'add-header':
      return line(`http-request ${r.action}`, r.name, word(r.value), g);
    case 'del-header':
      return line('http-request del-header', r.name, g);
    case 'set-path':
      return line('http-request set-path', word(r.value), g);
    case 'auth':
      return line('http-request auth', r.realm !== undefined && `realm ${word(r.realm)}`, g);
    case 'deny':
      return line('http-request deny', r.status !== undefined && `deny_status ${r.status}`, g);
    case 'return':
      return line(
        'http-request return',
        `status ${r.status}`,
        r.contentType && `content-type ${word(r.contentType)}`,
        r.string !== undefined && `string ${word(r.string)}`,
        g,
      );
    case 'allow':
      return line('http-request allow', g);
    case 'use-service':
      return line('http-request use-service', r.service, g);
    case 'cache-use':
      return line('http-request cache-use', r.cache, g);
    case 'track-sc':
      return line(`http-request track-sc${r.counter}`, r.key, r.table && `table ${r.table}`, g);
    case 'sc-inc-gpc0':
      return line(`http-request sc-inc-gpc0(${r.counter})`, g);
  }
}

function printResponseRule(r: HttpResponseRule | HttpAfterResponseRule, keyword = 'http-response'): string {
  const g = guardTokens(r);
  switch (r.action) {
    case 'set-header':
    case 'add-header':
      return line(`${keyword} ${r.action}`, r.name, word(r.value), g);
    case 'del-header':
      return line(`${keyword} del-header`, r.name, g);
    case 'deny':
      return line('http-response deny', r.status !== undefined && `deny_status ${r.status}`, g);
    case 'cache-store':
      return line('http-response cache-store', r.cache, g);
  }
}

function printStats(s: Stats | undefined): string[] {
  if (!s) return [];
  const out = ['stats enable', `stats uri ${s.uri}`];
  // `stats realm` and `stats http-request` exclude each other: with authUnless the realm goes on the auth rule.
  if (s.realm !== undefined && !s.authUnless) out.push(`stats realm ${word(s.realm)}`);
  if (s.refresh) out.push(`stats refresh ${s.refresh}`);
  if (s.showLegends) out.push('stats show-legends');
  if (s.hideVersion) out.push('stats hide-version');
  if (s.adminIf) out.push(`stats admin if ${s.adminIf}`);
  if (s.authUnless) out.push(line('stats http-request auth', s.realm !== undefined && `realm ${word(s.realm)}`, `unless ${s.authUnless}`));
  return out;
}

export function printBind(b: Bind): string {
  const addr = b.address === '' ? `:${b.port}` : `${b.address}:${b.port}`;
  const s = b.ssl;
  return line(
    'bind',
    addr,
    b.name && `name ${b.name}`,
    b.acceptProxy && 'accept-proxy',
    s && 'ssl',
    ...(s?.crt.map((c) => `crt ${c}`) ?? []),
    s?.alpn && `alpn ${s.alpn.join(',')}`,
    s?.minVersion && `ssl-min-ver ${s.minVersion}`,
    s?.maxVersion && `ssl-max-ver ${s.maxVersion}`,
    s?.ciphers && `ciphers ${s.ciphers}`,
    s?.ciphersuites && `ciphersuites ${s.ciphersuites}`,
    s?.curves && `curves ${s.curves}`,
    s?.caFile && `ca-file ${s.caFile}`,
    s?.verify && `verify ${s.verify}`,
    s?.strictSni && 'strict-sni',
    s?.noTlsTickets && 'no-tls-tickets',
  );
}

export function printServer(s: Server): string {
  const t = s.ssl;
  return line(
    'server',
    s.name,
    hostPortToken(s.address, s.port),
    t && 'ssl',
    t && `verify ${t.verify}`,
    t?.caFile && `ca-file ${t.caFile}`,
    t?.sni && `sni ${t.sni}`,
    t?.verifyhost && `verifyhost ${t.verifyhost}`,
    t?.alpn && `alpn ${t.alpn.join(',')}`,
    t?.minVersion && `ssl-min-ver ${t.minVersion}`,
    t?.crt && `crt ${t.crt}`,
    s.check && 'check',
    t?.checkSni && `check-sni ${t.checkSni}`,
    t?.checkAlpn && `check-alpn ${t.checkAlpn.join(',')}`,
    s.inter && `inter ${s.inter}`,
    s.fall !== undefined && `fall ${s.fall}`,
    s.rise !== undefined && `rise ${s.rise}`,
    s.weight !== undefined && `weight ${s.weight}`,
    s.backup && 'backup',
    s.maxconn !== undefined && `maxconn ${s.maxconn}`,
    s.initAddr && `init-addr ${s.initAddr.join(',')}`,
    s.resolvers && `resolvers ${s.resolvers}`,
    s.disabled && 'disabled',
  );
}

function proxyHead(p: Frontend | Backend | Listen | Defaults): string[] {
  const out: string[] = [];
  if (p.mode) out.push(`mode ${p.mode}`);
  out.push(...logLines(p.log));
  if (p.maxconn !== undefined) out.push(`maxconn ${p.maxconn}`);
  return out;
}

function printProxy(kind: 'frontend' | 'backend' | 'listen', p: Frontend | Backend | Listen): string[] {
  const body: string[] = [...proxyHead(p)];
  if ('binds' in p) body.push(...p.binds.map(printBind));
  if (p.stickTable) {
    const t = p.stickTable;
    body.push(
      line('stick-table', `type ${t.type}`, `size ${t.size}`, `expire ${t.expire}`, t.store.length > 0 && `store ${t.store.join(',')}`),
    );
  }
  if ('servers' in p && p.balance) body.push(line('balance', p.balance.algorithm, p.balance.argument));
  body.push(...p.options.map((o) => `option ${o}`));
  if ('servers' in p && p.httpCheck) {
    const c = p.httpCheck;
    body.push('option httpchk');
    body.push(
      line(
        'http-check send',
        `meth ${c.method}`,
        `uri ${word(c.uri)}`,
        `ver ${c.version}`,
        ...c.headers.map((h) => `hdr ${h.name} ${word(h.value)}`),
      ),
    );
    body.push('status' in c.expect ? `http-check expect status ${c.expect.status}` : `http-check expect rstatus ${word(c.expect.rstatus)}`);
  }
  if ('servers' in p && p.retries !== undefined) body.push(`retries ${p.retries}`);
  body.push(...timeoutLines(p.timeouts));
  if (p.errorfiles) body.push(`errorfiles ${p.errorfiles}`);
  body.push(...p.acls.map(printAcl));
  body.push(...p.httpRequest.map(printRequestRule));
  body.push(...p.httpResponse.map((r) => printResponseRule(r)));
  body.push(...p.httpAfterResponse.map((r) => printResponseRule(r, 'http-after-response')));
  body.push(...printStats(p.stats));
  if ('binds' in p) {
    body.push(...p.useBackends.map((u) => line('use_backend', u.backend, guardTokens(u))));
    if (p.defaultBackend) body.push(`default_backend ${p.defaultBackend}`);
  }
  if ('servers' in p) {
    body.push(...defaultServerLine(p.defaultServer));
    for (const s of p.servers) {
      if (s.ssl?.verify === 'none') body.push(`# INSECURE: TLS to server ${s.name} is not verified (insecure: true)`);
      body.push(printServer(s));
    }
  }
  return [line(kind, p.name, p.from && `from ${p.from}`), ...body.map((l) => INDENT + l)];
}

/**
 * Prints a validated model as haproxy.cfg text: sections in a fixed order (global, defaults, userlist, resolvers,
 * http-errors, cache, frontend, backend, listen), keywords in a fixed order inside each section, rules in model
 * order. No checks: `printHaproxyConfig` validates and checks first.
 */
export function formatHaproxyConfig(config: HaproxyConfig): string {
  const sections: string[][] = [];
  const section = (head: string, body: string[]) => sections.push([head, ...body.map((l) => INDENT + l)]);
  if (config.header.length > 0) sections.push(config.header.map((h) => (h === '' ? '#' : `# ${h}`)));
  section('global', printGlobal(config.global));
  for (const d of config.defaults) {
    section(line('defaults', d.name), [
      ...proxyHead(d),
      ...d.options.map((o) => `option ${o}`),
      ...(d.retries !== undefined ? [`retries ${d.retries}`] : []),
      ...timeoutLines(d.timeouts),
      ...(d.errorfiles ? [`errorfiles ${d.errorfiles}`] : []),
      ...defaultServerLine(d.defaultServer),
    ]);
  }
  for (const u of config.userlists) {
    section(`userlist ${u.name}`, [
      ...u.groups.map((g) => `group ${g}`),
      // The hash is printed bare: inside double quotes HAProxy would expand its `$` signs.
      ...u.users.map((user) =>
        line('user', user.name, `password ${user.password}`, user.groups.length > 0 && `groups ${user.groups.join(',')}`),
      ),
    ]);
  }
  for (const r of config.resolvers) {
    section(`resolvers ${r.name}`, [
      ...r.nameservers.map((n) => `nameserver ${n.name} ${hostPortToken(n.address, n.port)}`),
      ...(r.parseResolvConf ? ['parse-resolv-conf'] : []),
      ...(r.resolveRetries !== undefined ? [`resolve_retries ${r.resolveRetries}`] : []),
      ...(r.timeoutResolve ? [`timeout resolve ${r.timeoutResolve}`] : []),
      ...(r.timeoutRetry ? [`timeout retry ${r.timeoutRetry}`] : []),
      ...(r.holdValid ? [`hold valid ${r.holdValid}`] : []),
      ...(r.acceptedPayloadSize !== undefined ? [`accepted_payload_size ${r.acceptedPayloadSize}`] : []),
    ]);
  }
  for (const h of config.httpErrors)
    section(
      `http-errors ${h.name}`,
      h.errorfiles.map((e) => `errorfile ${e.status} ${e.file}`),
    );
  for (const c of config.caches) {
    section(`cache ${c.name}`, [
      `total-max-size ${c.totalMaxSize}`,
      ...(c.maxObjectSize !== undefined ? [`max-object-size ${c.maxObjectSize}`] : []),
      ...(c.maxAge !== undefined ? [`max-age ${c.maxAge}`] : []),
      ...(c.processVary !== undefined ? [`process-vary ${c.processVary ? 'on' : 'off'}`] : []),
    ]);
  }
  for (const p of config.frontends) sections.push(printProxy('frontend', p));
  for (const p of config.backends) sections.push(printProxy('backend', p));
  for (const p of config.listens) sections.push(printProxy('listen', p));
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
