import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Environment, type IssuedCertificate, type RenderContext, loadEnvironment, withCatalogue } from '@chatops/environment';
import { RENDERERS } from '@chatops/stack';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A fixed, public test CA certificate, so snapshots are byte-stable. */
export const TEST_CA = readFileSync(new URL('./fixtures/ca.pem', import.meta.url), 'utf8');

const leaf = (id: string): IssuedCertificate => ({
  cert: `-----BEGIN CERTIFICATE-----\nTEST-LEAF-${id}\n-----END CERTIFICATE-----\n`,
  key: `-----BEGIN PRIVATE KEY-----\nTEST-KEY-${id}\n-----END PRIVATE KEY-----\n`,
  chain: TEST_CA,
  notAfter: new Date('2100-01-01T00:00:00Z'),
});

/** Loads `examples/cloud-chatops/environments/<name>.yaml` with a fake PKI. */
export function exampleContext(name: 'prod' | 'dev'): RenderContext {
  const { environment, secrets } = loadEnvironment(`examples/cloud-chatops/environments/${name}.yaml`, { cwd: ROOT, env: {} });
  return { env: withCatalogue(environment, RENDERERS), secrets, pki: { caCert: TEST_CA, leaf, publicCert: leaf('public') } };
}

export function grafanaNode(env: Environment) {
  const node = env.nodes.find((n) => n.roles.includes('grafana'));
  if (!node) throw new Error('no grafana node');
  return node;
}

/** The dev environment's secret values (files under examples/cloud-chatops/secrets/dev). */
export function devSecretValues(): string[] {
  const dir = `${ROOT}examples/cloud-chatops/secrets/dev/`;
  const names = [
    'grafana-admin-password',
    'grafana-datasource-password',
    'grafana-oauth-client-secret',
    'prometheus-password',
    'slack-webhook-url',
  ];
  return names.map((n) => readFileSync(dir + n, 'utf8').trim());
}

export function catchError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}
