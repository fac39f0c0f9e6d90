import { describe, expect, it } from 'vitest';
import { grafanaRenderer, printGrafanaIni } from '@chatops/grafana-provisioning';
import { grafanaIni, renderGrafana } from '../src/grafana-renderer.js';
import { exampleContext, devSecretValues, grafanaNode } from './_fixtures.js';

describe('grafana renderer', () => {
  for (const name of ['prod', 'dev'] as const) {
    it(`renders ${name} (golden files)`, async () => {
      const ctx = exampleContext(name);
      const artifacts = renderGrafana(grafanaNode(ctx.env), ctx);
      for (const a of artifacts.filter((x) => !x.secret && !x.path.includes('/tls/'))) {
        await expect(a.content).toMatchFileSnapshot(`./__snapshots__/${name}${a.path}`);
      }
      const listing = artifacts.map((a) => `${a.mode} ${a.owner}:${a.group} ${a.action} ${a.secret ? 'secret ' : ''}${a.path}`).join('\n');
      await expect(`${listing}\n`).toMatchFileSnapshot(`./__snapshots__/${name}/artifacts.txt`);
    });
  }

  it('is deterministic', () => {
    const ctx = exampleContext('prod');
    const node = grafanaNode(ctx.env);
    expect(renderGrafana(node, ctx)).toEqual(renderGrafana(node, ctx));
  });

  it('never writes a secret value into a non-secret file', () => {
    const ctx = exampleContext('dev');
    const artifacts = renderGrafana(grafanaNode(ctx.env), ctx);
    const values = devSecretValues();
    const ini = artifacts.find((a) => a.path.endsWith('/grafana.ini'));
    expect(ini?.content).toContain('admin_password = $__file{/etc/grafana/secrets/admin-password}');
    expect(ini?.content).toContain('client_secret = $__file{/etc/grafana/secrets/oauth-client-secret}');
    expect(ini?.content).toContain('secret_key = $__file{/etc/grafana/secrets/secret-key}');
    for (const a of artifacts.filter((x) => !x.secret)) {
      for (const v of values) expect(a.content, a.path).not.toContain(v);
    }
    // The values do land in 0640 root:grafana secret files, each referenced by $__file{}.
    const secretFiles = artifacts.filter((a) => a.secret && a.path.startsWith('/etc/grafana/secrets/'));
    expect(secretFiles.map((a) => [a.path, a.mode, a.owner, a.group])).toEqual([
      ['/etc/grafana/secrets/admin-password', '0640', 'root', 'grafana'],
      ['/etc/grafana/secrets/oauth-client-secret', '0640', 'root', 'grafana'],
      ['/etc/grafana/secrets/secret-key', '0640', 'root', 'grafana'],
      ['/etc/grafana/secrets/prometheus-password', '0640', 'root', 'grafana'],
    ]);
  });

  it('refers to on-node secrets in place (prod) and renders no secret file for them', () => {
    const ctx = exampleContext('prod');
    const artifacts = renderGrafana(grafanaNode(ctx.env), ctx);
    expect(artifacts.filter((a) => a.path.startsWith('/etc/grafana/secrets/'))).toEqual([]);
    const ds = artifacts.find((a) => a.path.endsWith('/datasources/chatops.yaml'));
    expect(ds?.content).toContain('basicAuthPassword: $__file{/etc/chatops/secrets/grafana-datasource-password}');
  });

  it('asks for a certificate valid for the node and loopback', () => {
    const ctx = exampleContext('prod');
    expect(grafanaRenderer.certificates?.(ctx.env, grafanaNode(ctx.env))).toMatchInlineSnapshot(`
      [
        {
          "commonName": "grafana-1.internal.cloud-chatops.nubes.rl.ac.uk",
          "dnsNames": [
            "grafana-1.internal.cloud-chatops.nubes.rl.ac.uk",
            "grafana-1",
            "localhost",
          ],
          "id": "grafana-1/grafana",
          "ipAddresses": [
            "10.0.0.31",
            "127.0.0.1",
          ],
          "usages": [
            "server",
          ],
        },
        {
          "commonName": "grafana.grafana-1",
          "dnsNames": [
            "grafana-1.internal.cloud-chatops.nubes.rl.ac.uk",
            "grafana-1",
          ],
          "id": "grafana-1/grafana-client",
          "ipAddresses": [
            "10.0.0.31",
          ],
          "usages": [
            "client",
          ],
        },
      ]
    `);
  });

  it('re-roots every path under the environment path prefix', () => {
    const ctx = exampleContext('dev');
    const env = { ...ctx.env, pathPrefix: '/srv/t/{node}' };
    const artifacts = renderGrafana(grafanaNode(env), { ...ctx, env });
    for (const a of artifacts) expect(a.path.startsWith('/srv/t/monitoring-1/')).toBe(true);
    const ini = artifacts.find((a) => a.path.endsWith('/grafana.ini'))?.content ?? '';
    expect(ini).toContain('provisioning = /srv/t/monitoring-1/etc/grafana/provisioning');
    expect(ini).toContain('cert_file = /srv/t/monitoring-1/etc/chatops/tls/grafana/cert.pem');
    const provider = artifacts.find((a) => a.path.endsWith('/dashboards/chatops.yaml'))?.content ?? '';
    expect(provider).toContain('path: /srv/t/monitoring-1/etc/grafana/dashboards/chatops');
  });
});

describe('OAuth login against INDIGO IAM', () => {
  const refs = { certFile: '/c', keyFile: '/k', adminPasswordFile: '/a', oauthClientSecretFile: '/s', databasePasswordFile: '/d' };
  const oauthOf = (patch: object) => {
    const { env } = exampleContext('prod');
    const patched = { ...env, grafana: { ...env.grafana, oauth: { ...env.grafana.oauth, ...patch } } };
    return { ini: grafanaIni(patched, grafanaNode(env), refs), oauth: grafanaIni(patched, grafanaNode(env), refs)['auth.generic_oauth'] };
  };

  it('maps IAM groups to Grafana roles, everyone else Viewer, reading the group claim of the token profile', () => {
    const { oauth } = oauthOf({ profile: 'wlcg', roleGroups: { Admin: ['cloud-admins'], Editor: ['cloud-ops', 'cloud/dev'] } });
    expect(oauth?.groups_attribute_path).toBe('"wlcg.groups"[*]');
    expect(oauth?.role_attribute_path).toMatchInlineSnapshot(
      `"contains("wlcg.groups"[*], 'cloud-admins') && 'Admin' || contains("wlcg.groups"[*], 'cloud-ops') && 'Editor' || contains("wlcg.groups"[*], 'cloud/dev') && 'Editor' || 'Viewer'"`,
    );
    expect(oauth).not.toHaveProperty('skip_org_role_sync');
  });

  it('keeps roles given in Grafana when no mapping is configured, and never offers a password login', () => {
    const { ini, oauth } = oauthOf({});
    expect(oauth).toMatchObject({
      skip_org_role_sync: true,
      auto_login: true,
      use_refresh_token: true,
      login_attribute_path: 'preferred_username',
    });
    expect(oauth?.scopes).toContain('offline_access');
    expect(ini['auth.basic']).toEqual({ enabled: false });
  });
});

describe("Grafana's database", () => {
  it('several Grafana nodes share the PostgreSQL database over verified TLS, its password by reference', () => {
    const ctx = exampleContext('prod');
    const artifacts = renderGrafana(grafanaNode(ctx.env), ctx);
    const ini = artifacts.find((a) => a.path.endsWith('/grafana.ini'))?.content ?? '';
    expect(ini.slice(ini.indexOf('[database]'), ini.indexOf('[log]'))).toMatchInlineSnapshot(`
      "[database]
      type = postgres
      host = 10.0.0.60:5432
      name = grafana
      user = grafana
      password = $__file{/etc/chatops/secrets/grafana-database-password}
      ssl_mode = verify-full
      ca_cert_path = /etc/ssl/certs/ca-certificates.crt

      "
    `);
    // prod's password is provisioned on the node (onNode): referenced where it is, never copied.
    expect(artifacts.some((a) => a.path.includes('database-password'))).toBe(false);
  });

  it('one Grafana node keeps SQLite in its data directory', () => {
    const ctx = exampleContext('dev');
    const ini = renderGrafana(grafanaNode(ctx.env), ctx).find((a) => a.path.endsWith('/grafana.ini'))?.content ?? '';
    expect(ini).toMatch(/^\[database\]\ntype = sqlite3\n/m);
  });

  it('the ini model refuses a server database without TLS settings, and server settings on SQLite', () => {
    const { env } = exampleContext('prod');
    const base = grafanaIni(env, grafanaNode(env), {
      certFile: '/c',
      keyFile: '/k',
      adminPasswordFile: '/a',
      oauthClientSecretFile: '/s',
      databasePasswordFile: '/d',
    });
    expect(() =>
      printGrafanaIni({
        ...base,
        database: { type: 'postgres', host: '10.0.0.60:5432', name: 'grafana', user: 'grafana', password: '$__file{/d}' },
      }),
    ).toThrow(/database\.ssl_mode: required when type is postgres/);
    expect(() => printGrafanaIni({ ...base, database: { type: 'sqlite3', password: '$__file{/d}' } })).toThrow(
      /database\.password: only for a server database/,
    );
  });
});
