import type { Diagnostic } from '@chatops/core';
import type { Environment } from './environment.js';

/** `name@sha256:<64 hex>`: a reference that always names the same image content. */
const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** Whether a container image reference is pinned by its content digest. */
export function isPinnedImage(image: string): boolean {
  return DIGEST.test(image);
}

/**
 * Warnings about an environment that is valid but unsafe to deploy as is: today a container image named by tag
 * alone (a registry can move a tag to other content; `image:tag@sha256:...` or `image@sha256:...` cannot be).
 * `chatops-render --strict` treats them as errors.
 */
export function environmentWarnings(env: Pick<Environment, 'chatops'>): Diagnostic[] {
  const { image } = env.chatops;
  return isPinnedImage(image)
    ? []
    : [
        {
          path: ['chatops', 'image'],
          message: `the image ${image} is not pinned by digest: use ${image.replace(/@.*$/, '')}@sha256:<digest> (docker buildx imagetools inspect prints it)`,
        },
      ];
}
