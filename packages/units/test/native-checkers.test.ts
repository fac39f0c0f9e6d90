import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RENDERERS, writeArtifacts } from '@chatops/stack';
import { exampleContext, renderAll, requireBinary, run, tempDir } from '@chatops/testing';
import { UNITS_RENDERERS } from '@chatops/units';
import { parseUnitFile, splitExecLine } from '@chatops/core';
import { describe, expect, it } from 'vitest';

/** The host's targets and slices (what units are ordered against) inside a verify root. */
function copyHostTargets(root: string): void {
  const dir = '/usr/lib/systemd/system';
  cpSync(dir, join(root, dir), { recursive: true, filter: (src) => src === dir || /\.(target|slice)$/.test(src) });
}

/** Lines systemd-analyze prints about problems in the units under `root` (docker.service is not on this machine). */
function verify(analyze: string, root: string, units: readonly string[]): string[] {
  const r = run(analyze, ['verify', `--root=${root}`, ...units]);
  return `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim() !== '' && !/docker\.service/.test(l));
}

const EXEC = /^Exec(Start|StartPre|StartPost|Stop|StopPost|Reload)$/;

it('systemd-analyze verify reports what it rejects (negative control)', () => {
  const analyze = requireBinary('systemd-analyze');
  using root = tempDir('units-verify-neg-');
  copyHostTargets(root.path);
  writeArtifacts(
    [
      {
        path: '/etc/systemd/system/bad.service',
        content: '[Service]\nExecStart=/bin/true\nRestart=sometimes\n',
        mode: '0644',
        secret: false,
        service: 'bad',
      },
    ],
    root.path,
  );
  expect(verify(analyze, root.path, ['bad.service']).join('\n')).toMatch(/Failed to parse service restart specifier/);
});

describe.each(['prod', 'dev'] as const)('%s units under their native checkers', (name) => {
  it('systemd-analyze verify accepts every rendered unit and drop-in of the whole stack', () => {
    const analyze = requireBinary('systemd-analyze');
    using root = tempDir('units-verify-');
    const ctx = exampleContext(name);
    // Every renderer of the stack: units come from @chatops/units, drop-ins also from elastic-config and logstash.
    const bundles = renderAll(ctx, RENDERERS);
    for (const [node, artifacts] of bundles) {
      const nodeRoot = join(root.path, node);
      copyHostTargets(nodeRoot);
      writeArtifacts(artifacts, nodeRoot);
      const units: string[] = [];
      for (const a of artifacts) {
        const m = /^\/etc\/systemd\/system\/([^/]+\.(service|timer))(\.d\/[^/]+\.conf)?$/.exec(a.path);
        if (!m) continue;
        const unitName = m[1]!.replace('@.service', '@1.service');
        if (m[3]) {
          // A drop-in extends a unit its Debian package ships: stand in for that unit (not installed here).
          const base = join(nodeRoot, '/usr/lib/systemd/system', m[1]!);
          if (!existsSync(join(nodeRoot, '/etc/systemd/system', m[1]!)) && !existsSync(base)) {
            mkdirSync(dirname(base), { recursive: true });
            writeFileSync(base, `[Unit]\nDescription=stand-in for the packaged ${m[1]}\n\n[Service]\nExecStart=/bin/true\n`);
            if (!existsSync(join(nodeRoot, '/bin/true'))) {
              mkdirSync(join(nodeRoot, '/bin'), { recursive: true });
              writeFileSync(join(nodeRoot, '/bin/true'), '#!/bin/sh\n', { mode: 0o755 });
            }
          }
        }
        if (!units.includes(unitName)) units.push(unitName);
        // Binaries the units run (packages not installed here) become stubs inside the verify root.
        for (const [key, values] of Object.entries(parseUnitFile(a.content).Service ?? {})) {
          if (!EXEC.test(key)) continue;
          for (const v of values) {
            const bin = splitExecLine(v).argv[0];
            if (!bin || existsSync(join(nodeRoot, bin))) continue;
            mkdirSync(dirname(join(nodeRoot, bin)), { recursive: true });
            writeFileSync(join(nodeRoot, bin), '#!/bin/sh\n', { mode: 0o755 });
          }
        }
      }
      expect(units.length).toBeGreaterThan(0);
      expect({ node, problems: verify(analyze, nodeRoot, units) }).toEqual({ node, problems: [] });
    }
  });

  it("promtool check web-config accepts the exporters' web configs (with the real cert files)", () => {
    const promtool = requireBinary('promtool');
    using root = tempDir('units-webcfg-');
    const ctx = exampleContext(name);
    const bundles = renderAll({ ...ctx, env: { ...ctx.env, pathPrefix: root.path } }, UNITS_RENDERERS);
    const configs: string[] = [];
    for (const artifacts of bundles.values()) {
      writeArtifacts(artifacts);
      configs.push(...artifacts.filter((a) => a.path.endsWith('-web.yml')).map((a) => a.path));
    }
    // node_exporter and systemd_exporter everywhere, the blackbox exporter on the Prometheus node.
    expect(configs.length).toBe(ctx.env.nodes.length * 2 + 1);
    const r = run(promtool, ['check', 'web-config', ...configs]);
    expect(r.stderr + r.stdout).not.toMatch(/FAILED/);
    expect(r.status).toBe(0);
  });

  it('the blackbox exporter accepts its rendered modules (--config.check), and refuses an unknown key', () => {
    const blackbox = requireBinary('prometheus-blackbox-exporter');
    using root = tempDir('units-blackbox-');
    const ctx = exampleContext(name);
    const bundles = renderAll({ ...ctx, env: { ...ctx.env, pathPrefix: root.path } }, UNITS_RENDERERS);
    const node = ctx.env.nodes.find((n) => n.roles.includes('prometheus'));
    const artifacts = bundles.get(node?.name ?? '') ?? [];
    writeArtifacts(artifacts);
    const config = artifacts.find((a) => a.path.endsWith('/etc/prometheus/blackbox.yml'));
    expect(config?.content).toContain('prober: tcp');
    const ok = run(blackbox, [`--config.file=${config?.path}`, '--config.check']);
    expect(`${ok.status} ${ok.stderr}`).toMatch(/^0 .*Config file is ok/s);
    writeFileSync(`${config?.path}`, `${config?.content.replace('tls: true', 'tlss: true')}`);
    expect(run(blackbox, [`--config.file=${config?.path}`, '--config.check']).status).not.toBe(0);
  });
});
