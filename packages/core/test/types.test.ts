import { describe, expect, it } from 'vitest';
import { bcryptHash, duration, durationMs, hostPort, ipAddress, passwordHash, passwordHashFormat } from '@chatops/core';

const HASHES = {
  bcrypt: '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy',
  sha512crypt: '$6$M5.2TZCFs9OKuvQu$C/R9UTRZhSV0a9Eb9Avha4yvZgT8X4kCr1rpVAF7xh.y66poN/k4uCOVAhszBd.QC580qogQ1Xjn3koD2xPMS0',
  sha256crypt: '$5$rounds=5000$saltsalt$X7fW2nUnB0F5k1iM5A.zB5SmnBUEvF2jjeQZ5i2Vx1C',
  yescrypt: '$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7',
};

describe('password hashes', () => {
  it.each(Object.entries(HASHES))('accepts %s', (format, hash) => {
    expect(passwordHashFormat(hash)).toBe(format);
    expect(passwordHash.safeParse(hash).success).toBe(true);
  });

  it('rejects plaintext and malformed hashes with a message that says which', () => {
    const msg = (v: string) => passwordHash.safeParse(v).error?.issues[0]?.message;
    expect(msg('hunter2')).toMatchInlineSnapshot(
      `"expected a password hash ($6$, $5$, $2b$ or $y$ crypt format), not a plaintext password"`,
    );
    expect(msg('$6$salt$tooshort')).toMatchInlineSnapshot(`"malformed password hash (wrong length or characters for its format)"`);
    expect(msg(`"${HASHES.bcrypt}"`)).toMatch(/plaintext/);
    expect(bcryptHash.safeParse(HASHES.sha512crypt).error?.issues[0]?.message).toMatchInlineSnapshot(
      `"expected a bcrypt hash ($2b$...): malformed password hash (wrong length or characters for its format)"`,
    );
  });
});

describe('network types', () => {
  it('accepts IPv4/IPv6 and rejects host names', () => {
    expect(ipAddress.safeParse('10.0.0.1').success).toBe(true);
    expect(ipAddress.safeParse('fd00::1').success).toBe(true);
    expect(ipAddress.safeParse('lb-1').error?.issues[0]?.message).toBe('expected an IP address');
    expect(ipAddress.safeParse('10.0.0.256').success).toBe(false);
  });

  it.each([
    ['smtp.example.org:587', true],
    ['10.0.0.1:25', true],
    ['[fd00::1]:25', true],
    ['smtp.example.org', false],
    ['smtp.example.org:$PORT', false],
    ['$host:25', false],
    ['host:70000', false],
    ['fd00::1:25', false],
  ])('host:port %s -> %s', (value, ok) => {
    expect(hostPort.safeParse(value).success).toBe(ok);
  });

  it('parses durations', () => {
    expect(durationMs('1h30m')).toBe(5_400_000);
    expect(durationMs('30d')).toBe(30 * 86_400_000);
    expect(durationMs('500ms')).toBe(500);
    expect(duration.safeParse('5 minutes').success).toBe(false);
    expect(duration.safeParse('').success).toBe(false);
  });
});
