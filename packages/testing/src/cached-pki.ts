import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironment } from '@chatops/environment';
import { PkiStore } from '@chatops/pki';
import { certificateRequests, defaultPkiDir, pkiSettings } from '@chatops/stack';
import { REPO } from './example-context.js';

const CACHE = join(REPO, 'node_modules', '.cache', 'chatops-testing', 'pki');

/**
 * Fills an environment's PKI state directory (`defaultPkiDir`, i.e. `<config root>/.pki/<name>`, or `pkiDir`)
 * from a PKI issued once for the same environment file and kept under `node_modules/.cache/chatops-testing/`:
 * a test of a large environment then reuses certificates instead of issuing them. The copy is ordinary PKI state:
 * the render still checks every certificate and issues what is missing or expiring. Returns the directory.
 */
export async function cachedPki(envFile: string, pkiDir?: string): Promise<string> {
  const { environment } = loadEnvironment(envFile, { resolveSecrets: false });
  const target = pkiDir ?? defaultPkiDir(environment);
  // Keyed by what the PKI is issued from (not the file's bytes): a change to the certificates the stack asks for
  // issues a new one.
  const wanted = JSON.stringify({ settings: pkiSettings(environment), requests: certificateRequests(environment) });
  const key = createHash('sha256').update(wanted).digest('hex').slice(0, 24);
  const cached = join(CACHE, key);
  if (!existsSync(cached)) {
    const staging = `${cached}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    await new PkiStore(staging).ensure(pkiSettings(environment), certificateRequests(environment));
    mkdirSync(CACHE, { recursive: true });
    // Another test process may have finished first: either copy is as good.
    if (existsSync(cached)) rmSync(staging, { recursive: true, force: true });
    else renameSync(staging, cached);
  }
  mkdirSync(target, { recursive: true });
  cpSync(cached, target, { recursive: true });
  return target;
}
