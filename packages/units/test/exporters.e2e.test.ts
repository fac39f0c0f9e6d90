import { request } from 'node:https';
import { join } from 'node:path';
import { certificateId, clientCertificate, clientCertificateId, nodePath, nodeWithRole } from '@chatops/environment';
import { PkiStore } from '@chatops/pki';
import { pkiSettings, prepareRender, renderStack, writeArtifacts } from '@chatops/stack';
import { LOOPBACK_PASSWORDS, loopbackEnvironment, requireBinary, startProcess, tempDir, waitForPort } from '@chatops/testing';
import { SYSTEMD_DIR } from '../src/_common.js';
import { parseEnvFile } from '@chatops/core';
import { describe, expect, it } from 'vitest';
import { confined, expectedFacts, handOver, processFacts, serviceOf } from './_confine.js';

interface Client {
  readonly cert: string;
  readonly key: string;
}

/** GET over TLS trusting `ca`, with the Prometheus service account, presenting `client` when given: the status, or the error's message. */
function get(url: string, ca: string, client?: Client): Promise<number | string> {
  return new Promise((resolve) => {
    const auth = Buffer.from(`prometheus:${LOOPBACK_PASSWORDS.prometheus}`).toString('base64');
    request(
      url,
      { ca, ...client, agent: false, headers: { authorization: `Basic ${auth}` } },
      (res) => (res.resume(), resolve(res.statusCode ?? 0)),
    )
      .on('error', (e) => resolve(e.message))
      .end();
  });
}

describe('node-exporter as rendered, confined like its unit, requires our client certificate (mutual TLS)', () => {
  it("serves Prometheus' client certificate, and refuses none, another CA's and a server leaf of ours", async () => {
    const bin = requireBinary('prometheus-node-exporter');
    using dir = tempDir('exporters-e2e-');
    const loop = await loopbackEnvironment({ dir: dir.path, subnet: 13, chatopsNodes: 1 });
    const ctx = await prepareRender(loop.file, { pkiDir: join(dir.path, 'pki') });
    const { env } = ctx;
    const node = nodeWithRole(env, 'chatops');
    const monitoring = nodeWithRole(env, 'prometheus');
    const artifacts = renderStack(ctx).bundles.get(node.name) ?? [];
    writeArtifacts(artifacts);
    handOver(artifacts, dir.path);

    // The unit's own command line: its binary with the ARGS its EnvironmentFile sets, under its sandbox.
    const unit = artifacts.find((a) => a.path === nodePath(env, node, `${SYSTEMD_DIR}/prometheus-node-exporter.service.d/chatops.conf`));
    const service = serviceOf(unit?.content ?? '');
    const args = artifacts.find((a) => a.path === service.EnvironmentFile?.[0]);
    const argv = [bin, ...(parseEnvFile(args?.content ?? '').ARGS ?? '').split(' ')];
    const { command, args: commandArgs } = confined(service, argv);
    await using exporter = startProcess(command, commandArgs);
    await waitForPort(node.address, env.ports.nodeExporter, { process: exporter });

    const url = `https://${node.address}:${env.ports.nodeExporter}/metrics`;
    const pair = (c: Client): Client => ({ cert: c.cert, key: c.key });
    const prometheus = pair(ctx.pki.leaf(clientCertificateId(monitoring, 'prometheus')));
    const other = await new PkiStore(join(dir.path, 'other-pki')).ensure(
      pkiSettings(env),
      [clientCertificate(env, monitoring, 'prometheus')],
      { persist: false },
    );
    expect(await get(url, ctx.pki.caCert, prometheus)).toBe(200);
    // The handshake fails before basic auth is even looked at.
    for (const client of [
      undefined,
      pair(other.material.leaf(clientCertificateId(monitoring, 'prometheus'))),
      pair(ctx.pki.leaf(certificateId(node, 'node-exporter'))),
    ]) {
      expect(await get(url, ctx.pki.caCert, client)).toEqual(expect.any(String));
    }
    expect(exporter.child.exitCode).toBeNull();
    // It ran as the unit says: its user (when the test can switch), no new privileges, no capabilities, / read-only.
    expect(processFacts(exporter.child.pid ?? 0)).toEqual(expectedFacts(service));
    expect(expectedFacts(service)).toMatchObject({ noNewPrivs: '1' });
  });
});
