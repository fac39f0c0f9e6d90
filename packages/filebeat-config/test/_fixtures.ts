import { join } from 'node:path';
import { type Artifact } from '@chatops/core';
import { type RenderContext, loadEnvironment } from '@chatops/environment';
import { filebeatRenderer } from '@chatops/filebeat-config';

export const EXAMPLES = join(__dirname, '../../../examples/cloud-chatops/environments');

/** A stand-in CA: the Filebeat renderer only places the CA bundle and points at it. */
export const FAKE_CA = '-----BEGIN CERTIFICATE-----\nZmFrZSBDQSBmb3IgZmlsZWJlYXQgdGVzdHM=\n-----END CERTIFICATE-----\n';

/** A render context for an example environment with a fake PKI (no key generation). */
export function exampleContext(name: 'prod' | 'dev', caCert = FAKE_CA): RenderContext {
  const { environment, secrets } = loadEnvironment(join(EXAMPLES, `${name}.yaml`));
  return {
    env: environment,
    secrets,
    pki: {
      caCert,
      leaf: (id: string) => {
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
