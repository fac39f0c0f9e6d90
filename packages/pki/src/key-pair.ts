import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

export interface PemKeyPair {
  /** PKCS#8 PEM (`BEGIN PRIVATE KEY`). */
  readonly privateKey: string;
  /** SPKI PEM. */
  readonly publicKey: string;
}

/**
 * Key algorithms of the internal PKI. `ecdsa-p256` (the default) is generated in well under a millisecond;
 * `rsa` searches for primes (~50-200 ms for 2048 bits, unpredictably more under load).
 */
export type KeyAlgorithm = 'ecdsa-p256' | 'rsa';

/** RSA key generation in Node's native crypto (off the main thread, so several run in parallel). */
export async function generateRsaKeyPair(bits: number): Promise<PemKeyPair> {
  const { privateKey, publicKey } = await generate('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/** A key pair of the given algorithm (`bits` applies to RSA only), in Node's native crypto. */
export async function generateKeyPairOf(algorithm: KeyAlgorithm, bits = 2048): Promise<PemKeyPair> {
  if (algorithm === 'rsa') return generateRsaKeyPair(bits);
  const { privateKey, publicKey } = await generate('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey, publicKey };
}
