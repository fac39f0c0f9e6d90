import type { KeyAlgorithm } from './key-pair.js';

/** How the PKI issues certificates (mirrors the environment's `tls.internal`). */
export interface PkiSettings {
  /** CA subject common name. */
  readonly caCommonName: string;
  /** @default undefined */
  readonly organization?: string;
  /** @default 3650 */
  readonly caValidityDays?: number;
  /** @default 397 */
  readonly leafValidityDays?: number;
  /** Re-issue a certificate this many days before it expires. @default 30 */
  readonly renewBeforeDays?: number;
  /** Key algorithm of the CA and every certificate it issues (and of the self-signed public one). @default 'ecdsa-p256' */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** RSA modulus size, for `keyAlgorithm: 'rsa'`. @default 2048 */
  readonly keyBits?: number;
  /** Public domain: the self-signed public certificate covers it and `*.domain`. */
  readonly publicDomain: string;
}

export const DAY_MS = 86_400_000;
