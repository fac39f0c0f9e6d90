import { X509Certificate, createPrivateKey } from 'node:crypto';

// A PEM block, possibly indented (a CA embedded in a YAML block scalar): the indentation of its BEGIN line is kept.
const PEM_BLOCK = /^([ \t]*)-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \2-----$/gm;

/**
 * Replaces every PEM block in a text by a one-line description of what it is, without the bytes that change each
 * time it is issued (key material, serial, signature, dates): a certificate by its subject, issuer, names, key type
 * and lifetime; a private key by its type. Two renders of one environment with different PKI state give the same
 * text; a change of names, issuer or key type still shows.
 */
export function stablePkiText(text: string): string {
  if (!text.includes('-----BEGIN ')) return text;
  return text.replace(
    PEM_BLOCK,
    (block: string, indent: string, label: string) =>
      `${indent}${describePem(
        label,
        block
          .split('\n')
          .map((l) => l.trim())
          .join('\n'),
      )}`,
  );
}

/** Whether a text holds PEM material (certificates or keys). */
export function hasPem(text: string): boolean {
  return text.includes('-----BEGIN ');
}

function describePem(label: string, pem: string): string {
  try {
    if (label === 'CERTIFICATE') {
      const c = new X509Certificate(pem);
      const days = Math.round((Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000);
      const names = c.subjectAltName ? `; names ${c.subjectAltName}` : '';
      return `[certificate: subject ${oneLine(c.subject)}; issuer ${oneLine(c.issuer)}${names}; key ${keyType(c.publicKey)}; valid ${days} days${c.ca ? '; CA' : ''}]`;
    }
    if (label.endsWith('PRIVATE KEY')) return `[private key: ${keyType(createPrivateKey(pem))}]`;
  } catch {
    // Not parseable: described by its label alone below.
  }
  return `[${label.toLowerCase()}]`;
}

function keyType(key: { asymmetricKeyType?: string; asymmetricKeyDetails?: { namedCurve?: string; modulusLength?: number } }): string {
  const d = key.asymmetricKeyDetails;
  const detail = d?.namedCurve ?? (d?.modulusLength ? `${d.modulusLength} bits` : '');
  return [key.asymmetricKeyType?.toUpperCase() ?? 'unknown', detail].filter(Boolean).join(' ');
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}
