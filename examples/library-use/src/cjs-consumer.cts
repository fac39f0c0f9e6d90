/**
 * The same packages from CommonJS (compiled to require(); types from the .d.cts files). An error thrown by the
 * CJS build is `instanceof` the ESM build's ConfigError too (a dual-package install may load both).
 */
import { ConfigError } from '@chatops/core';
import { printHaproxyConfig } from '@chatops/haproxy-config';

async function main(): Promise<void> {
  const esm = await import('@chatops/core');
  const cfg = printHaproxyConfig({
    defaults: [{ mode: 'http', timeouts: { connect: '5s', client: '30s', server: '30s' } }],
    frontends: [{ name: 'www', binds: [{ address: '127.0.0.1', port: 18080 }], defaultBackend: 'app' }],
    backends: [{ name: 'app', servers: [{ name: 'app-1', address: '127.0.0.1', port: 13000 }] }],
  });
  if (!cfg.includes('backend app')) throw new Error('no backend in the rendered haproxy.cfg');
  try {
    printHaproxyConfig({ frontends: [{ name: 'www', binds: [{ address: '127.0.0.1', port: 18080 }], defaultBackend: 'missing' }] });
    throw new Error('an undefined backend was accepted');
  } catch (error) {
    if (!(error instanceof ConfigError) || !(error instanceof esm.ConfigError)) throw error;
  }
  console.log('cjs: ok');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
