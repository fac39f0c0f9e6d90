import type { Artifact, Diagnostic } from '@chatops/core';
import { type RenderContext, type StackCheck, nodePath, nodeWithRole, nodesWithRole, parseDocument } from '@chatops/environment';
import { PROMETHEUS_PATHS } from '@chatops/prometheus-rules';
import { GRAFANA_PATHS } from './grafana-renderer.js';

const DATASOURCES = `${GRAFANA_PATHS.provisioning}/datasources/chatops.yaml`;

function yaml(a: Artifact): unknown {
  return parseDocument(a.content, a.path, '.yaml').data;
}

function find(bundles: ReadonlyMap<string, readonly Artifact[]>, node: string, path: string): Artifact | undefined {
  return bundles.get(node)?.find((a) => a.path === path);
}

/**
 * Grafana's datasource agrees with the Prometheus that was rendered: it targets the address and port Prometheus
 * listens on (`--web.listen-address`), trusts the CA Prometheus' certificate chains to, and logs in as a user
 * Prometheus' `web.yml` knows. Skipped (no diagnostics) when either side is not rendered.
 */
export const grafanaDatasourceAgreement: StackCheck = {
  name: 'grafana datasource agrees with prometheus',
  check(ctx: RenderContext, bundles): Diagnostic[] {
    const { env } = ctx;
    const prom = nodeWithRole(env, 'prometheus');
    const web = find(bundles, prom.name, nodePath(env, prom, PROMETHEUS_PATHS.web));
    const defaults = find(bundles, prom.name, nodePath(env, prom, PROMETHEUS_PATHS.defaults));
    if (!web || !defaults) return [];
    const users = Object.keys((yaml(web) as { basic_auth_users?: Record<string, string> }).basic_auth_users ?? {});
    const listen = /--web\.listen-address=(\S+?)(["\s]|$)/.exec(defaults.content)?.[1];
    const problems: Diagnostic[] = [];
    for (const node of nodesWithRole(env, 'grafana')) {
      const file = find(bundles, node.name, nodePath(env, node, DATASOURCES));
      if (!file) continue;
      const where = `${node.name}:${DATASOURCES}`;
      const datasources = (
        yaml(file) as { datasources: { url: string; basicAuthUser?: string; secureJsonData?: { tlsCACert?: string } }[] }
      ).datasources;
      for (const ds of datasources) {
        const url = new URL(ds.url);
        if (listen && url.port !== listen.split(':').pop()) {
          problems.push({
            path: ['ports', 'prometheus'],
            message: `${where}: datasource ${ds.url} uses port ${url.port}, Prometheus listens on ${listen}`,
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
