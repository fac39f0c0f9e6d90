import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutualTlsServerConfig, validateWebConfig } from '@chatops/prometheus-common';
import { errorMessage, freePorts, requireBinary, run, tempDir } from '@chatops/testing';
import { describe, expect, it } from 'vitest';

/**
 * Why the stack's web configs cannot say which of our clients may connect: exporter-toolkit's
 * `client_allowed_sans` (0.9+) is unknown to the exporter-toolkit in Debian 12's daemons, which refuse to start
 * with it. Each real daemon is started on such a web config and exits at once, before it reads a certificate or
 * binds its port. When this test fails, the daemons accept it: render it (SECURITY.md says who should be let in).
 */
describe('client_allowed_sans (exporter-toolkit 0.9+)', () => {
  it("is refused by Debian 12's Prometheus, Alertmanager, node-exporter and blackbox exporter, so the schema refuses it too", async () => {
    using dir = tempDir('allowed-sans-');
    const web = join(dir.path, 'web.yml');
    const tls = mutualTlsServerConfig({
      certFile: '/nonexistent/cert.pem',
      keyFile: '/nonexistent/key.pem',
      caFile: '/nonexistent/ca.pem',
    });
    writeFileSync(
      web,
      `tls_server_config:\n${Object.entries({ ...tls, client_allowed_sans: ['lb-1.internal.example'] })
        .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
        .join('\n')}\n`,
    );
    writeFileSync(join(dir.path, 'alertmanager.yml'), 'route: {receiver: x}\nreceivers: [{name: x}]\n');
    writeFileSync(join(dir.path, 'blackbox.yml'), 'modules: {}\n');
    const [p1, p2, p3, p4] = await freePorts(4);
    const listen = (port: number | undefined) => `--web.listen-address=127.0.0.1:${port}`;
    const daemons: [string, string[]][] = [
      ['prometheus', ['--config.file=/dev/null', `--storage.tsdb.path=${join(dir.path, 'tsdb')}`, listen(p1)]],
      [
        'prometheus-alertmanager',
        [
          `--config.file=${join(dir.path, 'alertmanager.yml')}`,
          `--storage.path=${join(dir.path, 'am')}`,
          '--cluster.listen-address=',
          listen(p2),
        ],
      ],
      ['prometheus-node-exporter', [listen(p3)]],
      ['prometheus-blackbox-exporter', [`--config.file=${join(dir.path, 'blackbox.yml')}`, listen(p4)]],
    ];
    for (const [name, args] of daemons) {
      const r = run(requireBinary(name), [...args, `--web.config.file=${web}`], { timeoutMs: 30_000 });
      expect(r.status, name).not.toBe(0);
      expect(r.stderr, name).toContain('field client_allowed_sans not found in type web.TLSConfig');
    }
    expect(errorMessage(() => validateWebConfig({ tls_server_config: { ...tls, client_allowed_sans: ['lb-1'] } }))).toBe(
      'tls_server_config.client_allowed_sans: unknown key',
    );
  });
});
