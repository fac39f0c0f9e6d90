import { join } from 'node:path';
import type { Diagnostic } from '@chatops/core';
import {
  type Catalogue,
  type CertificateRequest,
  type Environment,
  type LoadOptions,
  type RenderContext,
  type ServiceRenderer,
  loadEnvironment,
  servicesOn,
  withCatalogue,
} from '@chatops/environment';
import { type PkiSettings, PkiStore } from '@chatops/pki';
import { RENDERERS } from './registry.js';

export interface PrepareOptions extends LoadOptions {
  /** PKI state directory. @default `defaultPkiDir(env, pkiRoot)` */
  readonly pkiDir?: string;
  /** Directory holding `.pki/` (the CLI's config root). @default the parent of the environment file's directory */
  readonly pkiRoot?: string;
  /** Replaces the environment's `pathPrefix` (e.g. a temp dir with `{node}` to materialize real files). */
  readonly pathPrefix?: string;
  /**
   * Persist newly issued certificates as they are issued. `false` issues in memory only: call the result's
   * `persistPki()` once the render and its checks have succeeded (what the CLI does). @default true
   */
  readonly persistPki?: boolean;
  /** Clock for certificate validity decisions. @default new Date() */
  readonly now?: Date;
  /** The stack's services: attached to the environment as its catalogue, and whose certificates to issue (pass the same list to `renderStack`). @default RENDERERS */
  readonly services?: readonly ServiceRenderer[];
  /** Certificate issuance progress (see `EnsureOptions.onProgress`). @default undefined */
  readonly onPkiProgress?: (done: number, total: number) => void;
}

export interface PreparedRender extends RenderContext {
  /** Certificate ids issued by this preparation (empty when all were reused). */
  readonly issued: readonly string[];
  readonly pkiDir: string;
  /** Writes certificates issued in memory (`persistPki: false`) to `pkiDir`. */
  persistPki(): void;
  /** Files read: the environment file and its `extends` bases. */
  readonly files: readonly string[];
  /** Valid but unsafe settings of the environment (an image not pinned by digest), with file and line. */
  readonly warnings: readonly Diagnostic[];
  /** Until when the clock alone changes no certificate decision (see `EnsureResult.reusableUntil`). */
  readonly reusableUntil: Date;
}

/** Every certificate the services of a catalogue ask for on the nodes where they are placed. */
export function certificateRequests(env: Environment, services: Catalogue = RENDERERS): CertificateRequest[] {
  const placing = withCatalogue(env, services);
  return env.nodes.flatMap((node) => {
    const placed = servicesOn(placing, node);
    return services.filter((s) => placed.includes(s.service)).flatMap((s) => s.certificates?.(placing, node) ?? []);
  });
}

/**
 * Where an environment's PKI state lives: `<root>/.pki/<environment name>` (the name is the file's `name:` or its
 * base name). The one rule for every command that reads or writes it (render, certs).
 */
export function defaultPkiDir(env: Environment, root: string = join(env.baseDir, '..')): string {
  return join(root, '.pki', env.name);
}

/** The PKI settings an environment asks for (`tls.internal`, and the public domain). */
export function pkiSettings(env: Environment): PkiSettings {
  const internal = env.tls.internal;
  return {
    caCommonName: internal.commonName ?? `${env.name} internal CA`,
    organization: internal.organization,
    caValidityDays: internal.caValidityDays,
    leafValidityDays: internal.leafValidityDays,
    renewBeforeDays: internal.renewBeforeDays,
    keyAlgorithm: internal.keyAlgorithm,
    keyBits: internal.keyBits,
    publicDomain: env.domain,
  };
}

/** Loads an environment and makes its PKI current: everything a pure render needs. */
export async function prepareRender(file: string, options: PrepareOptions = {}): Promise<PreparedRender> {
  const loaded = loadEnvironment(file, {
    ...options,
    services: options.services ?? RENDERERS,
    certificates: (env) => certificateRequests(env, options.services),
  });
  const env: Environment =
    options.pathPrefix === undefined ? loaded.environment : { ...loaded.environment, pathPrefix: options.pathPrefix };
  const pkiDir = options.pkiDir ?? defaultPkiDir(env, options.pkiRoot);
  const { material, issued, persist, reusableUntil } = await new PkiStore(pkiDir).ensure(
    pkiSettings(env),
    certificateRequests(env, options.services),
    {
      now: options.now,
      persist: options.persistPki ?? true,
      ...(options.onPkiProgress ? { onProgress: options.onPkiProgress } : {}),
    },
  );
  return {
    env,
    secrets: loaded.secrets,
    pki: material,
    issued,
    pkiDir,
    files: loaded.files,
    warnings: loaded.warnings,
    persistPki: persist,
    reusableUntil,
  };
}
