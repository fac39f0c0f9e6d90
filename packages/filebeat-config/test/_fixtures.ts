import { join } from 'node:path';
import type { Artifact } from '@chatops/core';
import { type RenderContext, loadEnvironment, withCatalogue } from '@chatops/environment';
import { filebeatRenderer } from '@chatops/filebeat-config';
import { RENDERERS } from '@chatops/stack';

export const EXAMPLES = join(__dirname, '../../../examples/cloud-chatops/environments');

/** A stand-in CA: the Filebeat renderer only places the CA bundle and points at it. */
export const FAKE_CA = '-----BEGIN CERTIFICATE-----\nZmFrZSBDQSBmb3IgZmlsZWJlYXQgdGVzdHM=\n-----END CERTIFICATE-----\n';

/** A stand-in client leaf (Filebeat presents one to Logstash): the renderer only places it. */
export const FAKE_CLIENT = {
  cert: '-----BEGIN CERTIFICATE-----\nZmFrZSBjbGllbnQ=\n-----END CERTIFICATE-----\n',
  key: '-----BEGIN PRIVATE KEY-----\nZmFrZSBrZXk=\n-----END PRIVATE KEY-----\n',
  chain: '',
  notAfter: new Date('2100-01-01T00:00:00Z'),
};

/** A render context for an example environment with a fake PKI (no key generation). */
export function exampleContext(name: 'prod' | 'dev', caCert = FAKE_CA): RenderContext {
  const { environment, secrets } = loadEnvironment(join(EXAMPLES, `${name}.yaml`));
  return {
    env: withCatalogue(environment, RENDERERS),
    secrets,
    pki: {
      caCert,
      leaf: (id: string) => {
        if (id.endsWith('/filebeat-client')) return FAKE_CLIENT;
        throw new Error(`no leaf ${id} in the filebeat fixture`);
      },
      get publicCert(): never {
        throw new Error('no public certificate in the filebeat fixture');
      },
    },
  };
}

/** Filebeat's artifacts on every node, as the stack would bundle them. */
export function filebeatBundles(ctx: RenderContext): Map<string, Artifact[]> {
  return new Map(ctx.env.nodes.map((node) => [node.name, [...filebeatRenderer.render(node, ctx).artifacts]]));
}
