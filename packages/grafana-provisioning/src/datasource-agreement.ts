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

function find(bundles: ReadonlyMap<string, readonly Artifact[]>, node: string, path: string): Artifact | undefined {
  return bundles.get(node)?.find((a) => a.path === path);
}

/**
 * Grafana's datasource agrees with the Prometheus that was rendered: it targets the port Prometheus listens on
 * (`--web.listen-address` among the `ARGS` of `/etc/default/prometheus`, read as systemd splits them), trusts the
 * CA Prometheus' certificate chains to, and logs in as a user Prometheus' `web.yml` knows. Both sides are read back
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
    const users = Object.keys(validateWebConfig(yaml(web)).basic_auth_users ?? {});
    const listen = argsFlags(parseArgsVariable(parseEnvFile(defaults.content).ARGS ?? ''))['web.listen-address'];
    if (listen === undefined) {
      problems.push({
        path: ['nodes', nodeIndex(prom.name)],
        message: `${prom.name}:${defaultsPath}: ARGS has no --web.listen-address: no Prometheus port to compare Grafana's datasource with`,
      });
    }
    for (const { where, file } of files) {
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
