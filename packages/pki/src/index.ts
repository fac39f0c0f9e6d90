export {
  type CertificateInfo,
  type CertificateSpec,
  type DistinguishedName,
  type PreparedIssuer,
  createCertificate,
  prepareIssuer,
} from './certificate.js';
export type { KeyAlgorithm, PemKeyPair } from './key-pair.js';
export type { PkiSettings } from './pki-settings.js';
export { type CertificateListing, type EnsureOptions, type EnsureResult, PkiStore } from './pki-store.js';
