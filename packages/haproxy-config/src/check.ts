import { isIP } from 'node:net';
import { type Diagnostic, type DocumentPath, passwordHashFormat } from '@chatops/core';
import { PREDEFINED_ACLS, parseCondition, userlistsIn } from './condition.js';
import type { Backend, Defaults, Frontend, HaproxyConfig, Listen } from './haproxy-config.js';
import type { Server } from './model-endpoints.js';

type Proxy = Frontend | Backend | Listen;
type ProxyKind = 'frontends' | 'backends' | 'listens';

/**
 * Semantic checks `haproxy -c` does not make (or makes only at run time): references between sections, ACL
 * names, userlist hashes, server address resolution and TLS verification. Returns every problem found, each
 * with its path in the model.
 */
export function checkHaproxyConfig(config: HaproxyConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (path: DocumentPath, message: string) => out.push({ path, message });

  const unique = (
    kind: string,
    items: readonly { name?: string | undefined }[],
    path: (i: number) => DocumentPath,
    seen = new Map<string, string>(),
  ) => {
    items.forEach((item, i) => {
      if (item.name === undefined) return;
      const prev = seen.get(item.name);
      if (prev !== undefined) err([...path(i), 'name'], `duplicate ${kind} name ${item.name} (also ${prev})`);
      else seen.set(item.name, `${kind} ${item.name}`);
    });
  };
  unique('defaults', config.defaults, (i) => ['defaults', i]);
  unique('userlist', config.userlists, (i) => ['userlists', i]);
  unique('resolvers', config.resolvers, (i) => ['resolvers', i]);
  unique('http-errors', config.httpErrors, (i) => ['httpErrors', i]);
  unique('cache', config.caches, (i) => ['caches', i]);
  const frontNames = new Map<string, string>();
  const backNames = new Map<string, string>();
  unique('listen', config.listens, (i) => ['listens', i], frontNames);
  for (const l of config.listens) backNames.set(l.name, `listen ${l.name}`);
  unique('frontend', config.frontends, (i) => ['frontends', i], frontNames);
  unique('backend', config.backends, (i) => ['backends', i], backNames);

  const namedDefaults = new Set(config.defaults.flatMap((d) => (d.name ? [d.name] : [])));
  const userlists = new Set(config.userlists.map((u) => u.name));
  const resolvers = new Set(config.resolvers.map((r) => r.name));
  const httpErrors = new Set(config.httpErrors.map((h) => h.name));
  const caches = new Set(config.caches.map((c) => c.name));
  const backends = new Set([...config.backends.map((b) => b.name), ...config.listens.map((l) => l.name)]);

  const needUserlists = (text: string, path: DocumentPath) => {
    for (const list of userlistsIn(text)) {
      if (!userlists.has(list))
        err(path, `http_auth(${list}) names no userlist${userlists.size ? ` (defined: ${[...userlists].join(', ')})` : ''}`);
    }
  };

  config.userlists.forEach((list, i) => {
    const groups = new Set(list.groups);
    unique('user', list.users, (j) => ['userlists', i, 'users', j]);
    list.users.forEach((user, j) => {
      const path = ['userlists', i, 'users', j, 'password'];
      if (/^["']|["']$/.test(user.password)) {
        err(
          path,
          `password hash of ${user.name} is quoted: HAProxy takes the quotes literally (and expands $ inside double quotes), so it would never match; give the bare hash`,
        );
      } else if (!passwordHashFormat(user.password)) {
        err(
          path,
          /^\$(6|5|2[aby]|y)\$/.test(user.password)
            ? `password hash of ${user.name} is malformed (wrong length or characters for its format); haproxy -c accepts it but no password would ever match`
            : `password of ${user.name} is not a crypt(3) hash ($6$, $5$, $2b$ or $y$); plaintext passwords are not accepted`,
        );
      }
      user.groups.forEach((g, k) => {
        if (!groups.has(g)) err(['userlists', i, 'users', j, 'groups', k], `group ${g} is not declared in userlist ${list.name}`);
      });
    });
  });

  // A proxy without `from` inherits the last defaults section before it: with our printing order, the last one.
  const implicitDefaults = config.defaults.at(-1);
  const defaultsOf = (p: Proxy): Defaults | undefined => (p.from ? config.defaults.find((d) => d.name === p.from) : implicitDefaults);
  const modeOf = (p: Proxy): 'http' | 'tcp' => p.mode ?? defaultsOf(p)?.mode ?? 'tcp';
  const explicitFrom = new Set([...config.frontends, ...config.backends, ...config.listens].flatMap((p) => (p.from ? [p.from] : [])));
  const implicitUser = [...config.frontends, ...config.backends, ...config.listens].find((p) => p.from === undefined);
  if (implicitDefaults?.name !== undefined && explicitFrom.has(implicitDefaults.name) && implicitUser) {
    err(
      ['defaults', config.defaults.length - 1],
      `defaults ${implicitDefaults.name} is both named with "from" and inherited implicitly by ${implicitUser.name} (HAProxy refuses the mix): end the defaults list with a section nobody names`,
    );
  }

  const checkGuard = (
    g: { if?: string | undefined; unless?: string | undefined },
    path: DocumentPath,
    acls: ReadonlySet<string>,
    proxyName: string,
    pathIsCondition = false,
  ) => {
    if (g.if !== undefined && g.unless !== undefined) err(path, 'a rule takes either "if" or "unless", not both');
    const cond = g.if ?? g.unless;
    if (cond === undefined) return;
    const where = pathIsCondition ? path : [...path, g.if !== undefined ? 'if' : 'unless'];
    const refs = parseCondition(cond);
    for (const e of refs.errors) err(where, e);
    for (const name of refs.aclNames) {
      if (!acls.has(name) && !PREDEFINED_ACLS.has(name)) err(where, `ACL ${name} is not defined in ${proxyName}`);
    }
    for (const anon of refs.anonymous) needUserlists(anon.join(' '), where);
  };

  config.defaults.forEach((d, i) => {
    if (d.errorfiles && !httpErrors.has(d.errorfiles))
      err(['defaults', i, 'errorfiles'], `errorfiles ${d.errorfiles} names no http-errors section`);
    if (d.defaultServer?.resolvers && !resolvers.has(d.defaultServer.resolvers)) {
      err(['defaults', i, 'defaultServer', 'resolvers'], `resolvers ${d.defaultServer.resolvers} is not defined`);
    }
  });

  const binds = new Map<string, string>();
  const checkProxy = (kind: ProxyKind, p: Proxy, i: number) => {
    const base: DocumentPath = [kind, i];
    const label = `${kind.slice(0, -1)} ${p.name}`;
    if (p.from !== undefined && !namedDefaults.has(p.from)) err([...base, 'from'], `defaults section ${p.from} is not defined`);
    if (p.errorfiles && !httpErrors.has(p.errorfiles))
      err([...base, 'errorfiles'], `errorfiles ${p.errorfiles} names no http-errors section`);
    const mode = modeOf(p);
    const acls = new Set(p.acls.map((a) => a.name));
    p.acls.forEach((a, j) => needUserlists(a.criterion, [...base, 'acls', j, 'criterion']));
    if (mode === 'tcp') {
      if (p.httpRequest.length > 0) err([...base, 'httpRequest'], `http-request rules need mode http (${label} runs in tcp mode)`);
      if (p.httpResponse.length > 0) err([...base, 'httpResponse'], `http-response rules need mode http (${label} runs in tcp mode)`);
      if (p.httpAfterResponse.length > 0)
        err([...base, 'httpAfterResponse'], `http-after-response rules need mode http (${label} runs in tcp mode)`);
      if (p.stats) err([...base, 'stats'], `the stats page needs mode http (${label} runs in tcp mode)`);
    }
    p.httpRequest.forEach((rule, j) => {
      const path = [...base, 'httpRequest', j];
      checkGuard(rule, path, acls, label);
      if (rule.action === 'redirect') {
        const n = [rule.scheme, rule.location, rule.prefix].filter((v) => v !== undefined).length;
        if (n !== 1) err(path, 'a redirect takes exactly one of scheme, location or prefix');
      }
      if (rule.action === 'return' && rule.string !== undefined && rule.contentType === undefined)
        err(path, 'a return with a string body needs a contentType');
      if (rule.action === 'cache-use' && !caches.has(rule.cache)) err([...path, 'cache'], `cache ${rule.cache} is not defined`);
    });
    p.httpResponse.forEach((rule, j) => {
      const path = [...base, 'httpResponse', j];
      checkGuard(rule, path, acls, label);
      if (rule.action === 'cache-store' && !caches.has(rule.cache)) err([...path, 'cache'], `cache ${rule.cache} is not defined`);
    });
    p.httpAfterResponse.forEach((rule, j) => checkGuard(rule, [...base, 'httpAfterResponse', j], acls, label));
    if (p.stats?.adminIf) checkGuard({ if: p.stats.adminIf }, [...base, 'stats', 'adminIf'], acls, label, true);
    if (p.stats?.authUnless) checkGuard({ unless: p.stats.authUnless }, [...base, 'stats', 'authUnless'], acls, label, true);

    if ('binds' in p) {
      p.binds.forEach((b, j) => {
        const key = `${b.address === '*' ? '' : b.address}:${b.port}`;
        const prev = binds.get(key);
        if (prev) err([...base, 'binds', j], `${b.address || '*'}:${b.port} is already bound by ${prev}`);
        else binds.set(key, label);
      });
      p.useBackends.forEach((u, j) => {
        const path = [...base, 'useBackends', j];
        checkGuard(u, path, acls, label);
        if (!u.backend.includes('%[') && !backends.has(u.backend))
          err([...path, 'backend'], `use_backend target ${u.backend} is not a backend`);
      });
      if (p.defaultBackend !== undefined && !p.defaultBackend.includes('%[') && !backends.has(p.defaultBackend)) {
        err([...base, 'defaultBackend'], `default_backend ${p.defaultBackend} is not a backend`);
      }
    }
    if ('servers' in p) {
      if (p.balance && (p.balance.algorithm === 'hdr' || p.balance.algorithm === 'url_param') && !p.balance.argument) {
        err([...base, 'balance'], `balance ${p.balance.algorithm} needs an argument`);
      }
      if (p.httpCheck) {
        if (mode === 'tcp') err([...base, 'httpCheck'], `HTTP health checks need mode http (${label} runs in tcp mode)`);
        if (p.httpCheck.version === 'HTTP/1.1' && !p.httpCheck.headers.some((h) => h.name.toLowerCase() === 'host')) {
          err([...base, 'httpCheck', 'headers'], 'HTTP/1.1 health checks need a Host header (servers answer 400 without one)');
        }
      }
      const defaults = defaultsOf(p);
      const servers = new Map<string, number>();
      p.servers.forEach((s, j) => {
        const path = [...base, 'servers', j];
        if (servers.has(s.name)) err([...path, 'name'], `duplicate server name ${s.name} in ${label}`);
        servers.set(s.name, j);
        checkServer(s, path, p.defaultServer?.initAddr ?? defaults?.defaultServer?.initAddr, err);
        const r = s.resolvers ?? p.defaultServer?.resolvers;
        if (r !== undefined && !resolvers.has(r)) err([...path, 'resolvers'], `resolvers ${r} is not defined`);
        if (s.ssl?.checkSni !== undefined && !s.check)
          err([...path, 'ssl', 'checkSni'], 'checkSni without check: health checks are off for this server');
      });
    }
  };
  config.frontends.forEach((p, i) => checkProxy('frontends', p, i));
  config.backends.forEach((p, i) => checkProxy('backends', p, i));
  config.listens.forEach((p, i) => checkProxy('listens', p, i));
  return out;
}

function checkServer(
  s: Server,
  path: DocumentPath,
  inheritedInitAddr: readonly string[] | undefined,
  err: (path: DocumentPath, message: string) => void,
): void {
  const initAddr = s.initAddr ?? inheritedInitAddr;
  if (isIP(s.address) === 0 && !initAddr?.includes('none')) {
    err(
      [...path, 'address'],
      `server ${s.name} uses host name ${s.address}: HAProxy refuses to start when it does not resolve; use an IP address or initAddr with 'none'`,
    );
  }
  const ssl = s.ssl;
  if (!ssl) return;
  if (ssl.verify === 'none') {
    if (ssl.insecure !== true) {
      err([...path, 'ssl', 'verify'], `server ${s.name} turns certificate verification off; set insecure: true to opt out explicitly`);
    }
    return;
  }
  if (ssl.insecure === true)
    err([...path, 'ssl', 'insecure'], `server ${s.name} sets insecure: true but verifies (verify: required); drop one of them`);
  if (ssl.caFile === undefined) err([...path, 'ssl', 'caFile'], `server ${s.name} verifies TLS but names no caFile to verify against`);
  if (ssl.sni === undefined)
    err(
      [...path, 'ssl', 'sni'],
      `server ${s.name} needs an explicit sni (e.g. str(host.example.org)): HAProxy before 3.3 sends none and verifyhost needs a name`,
    );
}
