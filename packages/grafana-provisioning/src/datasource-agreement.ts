import { X509Certificate, createPrivateKey } from 'node:crypto';
import { type Artifact, type Diagnostic, argsFlags, parseArgsVariable, parseEnvFile } from '@chatops/core';
import { type RenderContext, type StackCheck, nodePath, nodeWithRole, nodesWithRole, parseDocument } from '@chatops/environment';
import { validateWebConfig } from '@chatops/prometheus-common';
import { PROMETHEUS_PATHS } from '@chatops/prometheus-rules';
import { validateDatasourceFile } from './datasource-provisioning.js';
import { GRAFANA_PATHS } from './grafana-renderer.js';

const DATASOURCES = `${GRAFANA_PATHS.provisioning}/datasources/chatops.yaml`;

function yaml(a: Artifact): unknown {
  return parseDocument(a.content, a.path, '.yaml').data;
}

/** OID of the clientAuth extended key usage. */
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/**
 * What is wrong with the client certificate and key a datasource presents (`$__file{path}` references into the
 * Grafana node's rendered files, or inline PEM): missing, not signed by our CA, not a client leaf (clientAuth), or
 * a key that does not belong to it. Undefined when they are fine. Never quotes the key.
 */
function clientProblem(
  ctx: RenderContext,
  files: readonly Artifact[],
  cert: string | undefined,
  key: string | undefined,
): string | undefined {
  if (!cert || !key) return 'presents no client certificate and key (tlsAuth), but Prometheus requires one (mutual TLS)';
  const read = (value: string, what: string): string | { problem: string } => {
    const ref = /^\$__file\{(.+)\}$/.exec(value.trim());
    if (!ref) return value.includes('-----BEGIN ') ? value : { problem: `${what} is neither PEM nor a $__file{} reference` };
    const file = files.find((a) => a.path === ref[1]);
    return file ? file.content : { problem: `${what} ${ref[1]} is not rendered on the Grafana node` };
  };
  const certPem = read(cert, 'client certificate');
  if (typeof certPem !== 'string') return certPem.problem;
  const keyPem = read(key, 'client key');
  if (typeof keyPem !== 'string') return keyPem.problem;
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certPem);
  } catch {
    return 'client certificate is not a readable X.509 certificate';
  }
  const ca = new X509Certificate(ctx.pki.caCert);
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey))
    return `client certificate ${leaf.subject.replace(/\n/g, ', ')} is not signed by the internal CA`;
  const usages = leaf.keyUsage ?? [];
  if (!usages.includes(CLIENT_AUTH))
    return `client certificate ${leaf.subject.replace(/\n/g, ', ')} is not a client leaf (no clientAuth usage)`;
  try {
    if (!leaf.checkPrivateKey(createPrivateKey(keyPem))) return 'client key does not belong to the client certificate';
  } catch {
    return 'client key is not a readable private key';
  }
  return undefined;
}

function find(bundles: ReadonlyMap<string, readonly Artifact[]>, node: string, path: string): Artifact | undefined {
  return bundles.get(node)?.find((a) => a.path === path);
}

/**
 * Grafana's datasource agrees with the Prometheus that was rendered: it targets the port Prometheus listens on
 * (`--web.listen-address` among the `ARGS` of `/etc/default/prometheus`, read as systemd splits them), trusts the
 * CA Prometheus' certificate chains to, logs in as a user Prometheus' `web.yml` knows, and, where `web.yml` requires a
 * client certificate (mutual TLS), presents one that is rendered on the Grafana node, signed by our CA, a client leaf
 * (clientAuth usage) and matched by its key. Both sides are read back
 * through their models (`parseEnvFile`, `validateWebConfig`, `validateDatasourceFile`). A side that is not
 * rendered, or a Prometheus without a listen address, is reported: there would be nothing to compare.
 */
export const grafanaDatasourceAgreement: StackCheck = {
  name: 'grafana datasource agrees with prometheus',
  check(ctx: RenderContext, bundles): Diagnostic[] {
    const { env } = ctx;
    const prom = nodeWithRole(env, 'prometheus');
    const nodeIndex = (name: string) => env.nodes.findIndex((n) => n.name === name);
    const webPath = nodePath(env, prom, PROMETHEUS_PATHS.web);
    const defaultsPath = nodePath(env, prom, PROMETHEUS_PATHS.defaults);
    const web = find(bundles, prom.name, webPath);
    const defaults = find(bundles, prom.name, defaultsPath);
    const problems: Diagnostic[] = [];
    const missing = (node: string, path: string, what: string) =>
      problems.push({ path: ['nodes', nodeIndex(node)], message: `${node}:${path} is not rendered: no ${what}, nothing to compare` });
    if (!web) missing(prom.name, webPath, 'Prometheus users');
    if (!defaults) missing(prom.name, defaultsPath, 'Prometheus listen address');
    const files = nodesWithRole(env, 'grafana').flatMap((node) => {
      const path = nodePath(env, node, DATASOURCES);
      const file = find(bundles, node.name, path);
      if (!file) missing(node.name, path, 'Grafana datasource');
      return file ? [{ node, where: `${node.name}:${path}`, file: validateDatasourceFile(yaml(file)) }] : [];
    });
    if (!web || !defaults) return problems;
    const webConfig = validateWebConfig(yaml(web));
    const users = Object.keys(webConfig.basic_auth_users ?? {});
    const mutual = webConfig.tls_server_config?.client_auth_type === 'RequireAndVerifyClientCert';
    const listen = argsFlags(parseArgsVariable(parseEnvFile(defaults.content).ARGS ?? ''))['web.listen-address'];
    if (listen === undefined) {
      problems.push({
        path: ['nodes', nodeIndex(prom.name)],
        message: `${prom.name}:${defaultsPath}: ARGS has no --web.listen-address: no Prometheus port to compare Grafana's datasource with`,
      });
    }
    for (const { node, where, file } of files) {
      for (const ds of file.datasources) {
        const url = new URL(ds.url);
        const port = url.port || (url.protocol === 'https:' ? '443' : '80');
        if (listen !== undefined && port !== listen.split(':').pop()) {
          problems.push({
            path: ['ports', 'prometheus'],
            message: `${where}: datasource ${ds.url} uses port ${port}, Prometheus listens on ${listen}`,
          });
        }
        if (ds.basicAuthUser && !users.includes(ds.basicAuthUser)) {
          problems.push({
            path: ['serviceAccounts', 'grafana', 'name'],
            message: `${where}: datasource user ${ds.basicAuthUser} is not in Prometheus' web.yml (${users.join(', ')})`,
          });
        }
        if (mutual) {
          const secure = ds.secureJsonData;
          const problem = clientProblem(
            ctx,
            bundles.get(node.name) ?? [],
            ds.jsonData?.tlsAuth ? secure?.tlsClientCert : undefined,
            secure?.tlsClientKey,
          );
          if (problem) problems.push({ path: ['tls', 'internal'], message: `${where}: datasource ${problem}` });
        }
        if (ds.secureJsonData?.tlsCACert !== ctx.pki.caCert) {
          problems.push({
            path: ['tls', 'internal'],
            message: `${where}: datasource does not trust the internal CA that signed Prometheus' certificate`,
          });
        }
      }
    }
    return problems;
  },
};
