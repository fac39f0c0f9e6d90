import type { Diagnostic, DocumentPath } from '@chatops/core';
import type { Environment } from './environment.js';
import type { CertificateRequest } from './render-context.js';

/** RFC 5280's upper bound of a common name (ub-common-name): strict X.509 readers refuse a longer one. */
export const MAX_COMMON_NAME = 64;

/**
 * Certificate names the stack would issue that X.509 cannot carry, in environment terms, each reported once at
 * the field to shorten. A server leaf's common name is its node's private name (`<node>.<internalDomain>`): too
 * long, it is reported at the longer of the two, internalDomain (at domain when internalDomain is its default
 * `internal.<domain>`) or the node's name, with the length that would fit; a client leaf's (`<client>.<node>`) at
 * the node's name. The public certificate is
 * named after the domain. `isSet` says whether a path is written in the environment file.
 */
export function certificateNameProblems(
  env: Environment,
  requests: readonly CertificateRequest[],
  isSet: (path: DocumentPath) => boolean = () => true,
): Diagnostic[] {
  const out = new Map<string, Diagnostic>();
  const add = (d: Diagnostic) => {
    if (!out.has(JSON.stringify(d.path))) out.set(JSON.stringify(d.path), d);
  };
  if (env.domain.length > MAX_COMMON_NAME)
    add({
      path: ['domain'],
      message: `the public certificate's common name is the domain: ${env.domain.length} characters (X.509 allows ${MAX_COMMON_NAME})`,
    });
  const tooLong = requests.filter((r) => r.commonName.length > MAX_COMMON_NAME).sort((a, b) => b.commonName.length - a.commonName.length);
  const suffix = `.${env.internalDomain}`;
  for (const r of tooLong) {
    const shown = `a certificate's common name "${r.commonName}" (${r.id}) would be ${r.commonName.length} characters (X.509 allows ${MAX_COMMON_NAME})`;
    const nodeIndex = env.nodes.findIndex((n) => r.id.startsWith(`${n.name}/`));
    const fits = MAX_COMMON_NAME - (r.commonName.length - env.internalDomain.length);
    const node = env.nodes[nodeIndex];
    // A node's private name is made of its name and internalDomain: the longer of the two is the one to shorten.
    if (r.commonName.endsWith(suffix) && fits >= 1 && (!node || node.name.length <= env.internalDomain.length)) {
      if (isSet(['internalDomain']) || env.internalDomain !== `internal.${env.domain}`)
        add({ path: ['internalDomain'], message: `${shown}: use an internalDomain of at most ${fits} characters, or shorter node names` });
      else
        add({
          path: ['domain'],
          message: `${shown}, through internalDomain's default internal.${env.domain}: set internalDomain (at most ${fits} characters)`,
        });
    } else if (node) {
      const short = MAX_COMMON_NAME - (r.commonName.length - node.name.length);
      add({ path: ['nodes', nodeIndex, 'name'], message: `${shown}: use a node name of at most ${Math.max(short, 1)} characters` });
    } else {
      // Not derived from a node: a bug in a renderer's request, not the environment's fault.
      throw new Error(`certificate ${r.id}: common name ${JSON.stringify(r.commonName)} is longer than ${MAX_COMMON_NAME} characters`);
    }
  }
  return [...out.values()];
}
