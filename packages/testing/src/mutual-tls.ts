import { request } from 'node:https';
import { join } from 'node:path';
import { type NodeSpec, type RenderContext, certificateId, clientCertificate, clientCertificateId } from '@chatops/environment';
import { PkiStore } from '@chatops/pki';
import { pkiSettings } from '@chatops/stack';

/** A client certificate and its key, as `https.request` takes them. */
export interface ClientPair {
  readonly cert: string;
  readonly key: string;
}

/** The status of an HTTPS GET presenting `client`, or the message of the error that ended it (a refused handshake). */
export function httpsStatus(url: string, ca: string, client: ClientPair | undefined): Promise<number | string> {
  return new Promise((resolve) => {
    request(url, { ca, ...(client ? { cert: client.cert, key: client.key } : {}), agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', (e) => resolve(e.message))
      .end();
  });
}

/**
 * The clients a server requiring our client certificates must refuse in the handshake: none at all, the same
 * client's leaf from another CA (issued under `dir`), and one of our own server leaves (serverAuth only).
 */
export async function clientsToRefuse(
  ctx: RenderContext,
  dir: string,
  client: { readonly node: NodeSpec; readonly service: string },
  server: { readonly node: NodeSpec; readonly service: string },
): Promise<(ClientPair | undefined)[]> {
  const other = await new PkiStore(join(dir, 'other-pki')).ensure(
    pkiSettings(ctx.env),
    [clientCertificate(ctx.env, client.node, client.service)],
    {
      persist: false,
    },
  );
  const pair = ({ cert, key }: ClientPair): ClientPair => ({ cert, key });
  return [
    undefined,
    pair(other.material.leaf(clientCertificateId(client.node, client.service))),
    pair(ctx.pki.leaf(certificateId(server.node, server.service))),
  ];
}
