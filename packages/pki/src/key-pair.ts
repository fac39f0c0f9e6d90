import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

export interface PemKeyPair {
  /** PKCS#8 PEM (`BEGIN PRIVATE KEY`). */
  readonly privateKey: string;
  /** SPKI PEM. */
  readonly publicKey: string;
}

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
