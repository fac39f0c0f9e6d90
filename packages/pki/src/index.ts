export {
  type CertificateInfo,
  type CertificateSpec,
  type DistinguishedName,
  canonicalIp,
  createCertificate,
  inspectCertificate,
  isSignedBy,
  keyMatchesCertificate,
  randomSerial,
} from './certificate.js';
export { type KeyAlgorithm, type PemKeyPair, generateKeyPairOf, generateRsaKeyPair } from './key-pair.js';
export type { PkiSettings } from './pki-settings.js';
export { type CertificateListing, type EnsureOptions, type EnsureResult, PkiStore } from './pki-store.js';
