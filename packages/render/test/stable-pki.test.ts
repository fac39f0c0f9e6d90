import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PkiStore } from '@chatops/pki';
import { describe, expect, it } from 'vitest';
import { stablePkiText } from '../src/stable-pki.js';

async function issue() {
  const dir = mkdtempSync(join(tmpdir(), 'stable-pki-'));
  try {
    const { material } = await new PkiStore(dir).ensure(
      { caCommonName: 'test CA', publicDomain: 'example.org' },
      [
        {
          id: 'node-1/grafana',
          commonName: 'node-1.internal.example.org',
          dnsNames: ['node-1.internal.example.org'],
          ipAddresses: ['10.0.0.1'],
        },
      ],
      { persist: false },
    );
    return material;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('stablePkiText', () => {
  it('describes certificates and keys by what they say, so two issuances give the same text', async () => {
    const [a, b] = [await issue(), await issue()];
    const text = (m: typeof a) => {
      const leaf = m.leaf('node-1/grafana');
      return `ca: |\n  ${m.caCert.trim().split('\n').join('\n  ')}\nrest\n${leaf.cert}${leaf.key}`;
    };
    expect(text(a)).not.toBe(text(b));
    expect(stablePkiText(text(a))).toBe(stablePkiText(text(b)));
    expect(stablePkiText(text(a))).toMatchInlineSnapshot(`
      "ca: |
        [certificate: subject CN=test CA; issuer CN=test CA; key EC prime256v1; valid 3650 days; CA]
      rest
      [certificate: subject CN=node-1.internal.example.org; issuer CN=test CA; names DNS:node-1.internal.example.org, IP Address:10.0.0.1; key EC prime256v1; valid 397 days]
      [private key: EC prime256v1]
      "
    `);
  });
});
