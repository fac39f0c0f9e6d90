import { parseStunnelServices, printStunnelConfig } from '../src/stunnel-config.js';
import { printExporterWebConfig } from '../src/exporter-web-config.js';
import { execLine, parseEnvFile, parseUnitFile, printEnvFile, printUnitFile, raw, splitExecLine } from '@chatops/core';
import { argsVariable } from '@chatops/core';
import fc from 'fast-check';
import { errorMessage } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

const message = errorMessage;

describe('unit file model', () => {
  it('rejects unknown sections and directives, and multi-line values', () => {
    expect(message(() => printUnitFile({ Service: { ExecStart: '/bin/true', Restrat: 'always' } } as never))).toMatchInlineSnapshot(
      `"Service.Restrat: unknown key"`,
    );
    expect(message(() => printUnitFile({ Sevice: {} } as never))).toMatchInlineSnapshot(`"Sevice: unknown key"`);
    expect(message(() => printUnitFile({ Unit: { After: ['a.service', 'b\nc'] } }))).toMatchInlineSnapshot(
      `"Unit.After.1: a directive value must be a single line without control characters"`,
    );
  });

  it('prints sections in order and round-trips through the parser', () => {
    const text = printUnitFile({
      Install: { WantedBy: 'multi-user.target' },
      Service: { ExecStart: ['', '/bin/true'] },
      Unit: { Description: 'x' },
    });
    expect(text).toMatchInlineSnapshot(`
      "[Unit]
      Description=x

      [Service]
      ExecStart=
      ExecStart=/bin/true

      [Install]
      WantedBy=multi-user.target
      "
    `);
    expect(parseUnitFile(text)).toEqual({
      Unit: { Description: ['x'] },
      Service: { ExecStart: ['', '/bin/true'] },
      Install: { WantedBy: ['multi-user.target'] },
    });
  });

  it('quotes Exec words so systemd reads back the same argv (property)', () => {
    const word = fc.string({ minLength: 0, maxLength: 12 }).filter((w) => !/[\r\n\\]/.test(w));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 6 }), (args) => {
        const argv = ['/usr/bin/x', ...args];
        expect(splitExecLine(execLine(argv)).argv).toEqual(argv);
      }),
    );
    expect(execLine(['/usr/bin/docker', 'run', raw('${PUBLISH}'), 'a b', '50%', '$HOME']).raw).toBe(
      '/usr/bin/docker run ${PUBLISH} "a b" 50%% $$HOME',
    );
    expect(message(() => execLine(['docker']))).toMatchInlineSnapshot(`"the command of an Exec line must be an absolute path: docker"`);
  });
});

describe('environment files', () => {
  it('escapes what systemd would expand and round-trips', () => {
    const vars = { A: 'plain', B: 'with "quotes" and $dollar and \\ back', C: '' };
    const text = printEnvFile(vars);
    expect(text).toMatchInlineSnapshot(`
      "A="plain"
      B="with \\"quotes\\" and \\$dollar and \\\\ back"
      C=""
      "
    `);
    expect(parseEnvFile(text)).toEqual(vars);
    expect(message(() => printEnvFile({ 'bad-name': 'x' }))).toMatch(/expected an environment variable name/);
  });
});

describe('exporter web config', () => {
  it('rejects plaintext passwords and unknown keys', () => {
    expect(message(() => printExporterWebConfig({ basic_auth_users: { prometheus: 'hunter2' } }))).toMatchInlineSnapshot(
      `"basic_auth_users.prometheus: expected a bcrypt hash ($2b$...): expected a password hash ($6$, $5$, $2b$ or $y$ crypt format), not a plaintext password"`,
    );
    expect(
      message(() => printExporterWebConfig({ tls_server_config: { cert_file: '/c', key_file: '/k', ciphers: [] } } as never)),
    ).toMatchInlineSnapshot(`"tls_server_config.ciphers: unknown key"`);
  });
});

describe('stunnel config', () => {
  it('prints sections and reads them back; rejects host names and duplicate accepts', () => {
    const svc = { accept: '10.0.0.1:8080', connect: '127.0.0.1:18080', cert: '/c.pem', key: '/k.pem' };
    const text = printStunnelConfig({ global: { foreground: 'yes' }, services: { a: svc } });
    expect(parseStunnelServices(text)).toEqual({ a: svc });
    expect(message(() => printStunnelConfig({ global: {}, services: { a: { ...svc, accept: 'node-1:8080' } } }))).toMatchInlineSnapshot(
      `"services.a.accept: expected ADDRESS:PORT (an explicit IP address)"`,
    );
    expect(message(() => printStunnelConfig({ global: {}, services: { a: svc, b: svc } }))).toMatchInlineSnapshot(
      `"stunnel services accept twice on 10.0.0.1:8080"`,
    );
  });

  it('prints one checkHost line per allowed client host and refuses anything but a host name there', () => {
    const svc = {
      accept: '10.0.0.1:8080',
      connect: '127.0.0.1:18080',
      cert: '/c.pem',
      key: '/k.pem',
      CAfile: '/ca.pem',
      verifyChain: 'yes' as const,
    };
    const text = printStunnelConfig({
      global: {},
      services: { a: { ...svc, checkHost: ['lb-1.internal.example', 'mon-1.internal.example'] } },
    });
    expect(text).toContain('verifyChain = yes\ncheckHost = lb-1.internal.example\ncheckHost = mon-1.internal.example\n');
    for (const bad of ['a b', 'a\nverifyChain = no', 'a;b', '$HOST', 'x%y', '"x"', 'x'.repeat(300)])
      expect(
        () => printStunnelConfig({ global: {}, services: { a: { ...svc, checkHost: [bad] } } }),
        JSON.stringify(bad.slice(0, 20)),
      ).toThrow(/services\.a\.checkHost\.0/);
  });
});

describe('unit values are escaped by type (issue #12)', () => {
  it('a literal value cannot add a directive, and its % is not a specifier', () => {
    expect(message(() => printUnitFile({ Service: { LoadCredential: 'x:/a\nExecStartPre=/bin/sh' } }))).toMatchInlineSnapshot(
      `"Service.LoadCredential: a directive value must be a single line without control characters"`,
    );
    expect(message(() => printUnitFile({ Service: { LoadCredential: 'x:/a\u2028b' } }))).toMatch(/single line/);
    expect(message(() => printUnitFile({ Unit: { Description: 'ends with \\' } }))).toMatchInlineSnapshot(
      `"Unit.Description: a directive value must not end with a backslash (systemd would join the next line)"`,
    );
    expect(message(() => printUnitFile({ Unit: { Description: ' padded' } }))).toMatchInlineSnapshot(
      `"Unit.Description: a directive value must not start or end with white space (systemd strips it)"`,
    );
    const text = printUnitFile({ Unit: { Description: raw('instance %i at 50%') }, Service: { LoadCredential: 'k:/run/50%i' } });
    expect(parseUnitFile(text)).toEqual({ Unit: { Description: ['instance %i at 50%'] }, Service: { LoadCredential: ['k:/run/50%%i'] } });
  });

  it('refuses an ARGS word that systemd would split, and a raw word with a newline', () => {
    expect(message(() => printEnvFile({ ARGS: argsVariable(['--a=1', '--path=/a b']) }))).toMatchInlineSnapshot(
      `""--path=/a b" cannot be one word of an unbraced $VARIABLE (empty, white space or control characters)"`,
    );
    expect(message(() => execLine(['/bin/x', raw('a\nb')]))).toMatch(/single line/);
    expect(message(() => printEnvFile({ A: 'x\ny' }))).toMatchInlineSnapshot(
      `"A: an environment value must be a single line without control characters"`,
    );
  });
});
