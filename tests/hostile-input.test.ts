import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ConfigError, yamlLineLocator } from '@chatops/core';
import { type RenderContext, loadEnvironment } from '@chatops/environment';
import { runCli, runNativeChecks } from '@chatops/render';
import { RENDERERS, type StackResult, certificateRequests, pkiSettings, prepareRender, renderStack } from '@chatops/stack';
import { REPO, requireBinary, tempDir } from '@chatops/testing';
import fc from 'fast-check';
import { dump, load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parsedBundle, shapeOf } from './rendered-structure.js';

// Issue #12: a hostile string in any string field of an environment either is refused at load time with a message
// located in the environment file (exit 2), or renders (exit 0) without adding a file, nor a line, key, directive,
// section, list element or word to any rendered file (each re-parsed with its format's parser and compared with
// the render of the unchanged environment). Never a crash (exit 70), never a refusal located in a generated file.
// It runs what the CLI runs: load, certificate issuance (a real PKI, in memory), every renderer, the stack's
// cross-checks; and on a sample of accepted values, the daemons' own checkers (haproxy -c, promtool, amtool).

const EXAMPLE = load(readFileSync(join(REPO, 'examples/cloud-chatops/environments/prod.yaml'), 'utf8')) as Record<string, unknown>;
/** The production example with one node per role (every renderer runs once: a render is the slow part). */
const PROD = {
  ...EXAMPLE,
  nodes: (EXAMPLE.nodes as { name: string }[]).filter((n) => !['chatops-2', 'chatops-3', 'grafana-2'].includes(n.name)),
  // ECDSA keys: a value that renames a node or the CA issues new certificates, RSA keys would make that the slow part.
  tls: { ...(EXAMPLE.tls as object), internal: { ...(EXAMPLE.tls as { internal: object }).internal, keyAlgorithm: 'ecdsa-p256' } },
};

/** The production example with every optional string field set too, so that each of them is exercised. */
// biome-ignore lint/suspicious/noExplicitAny: a test fixture patched in place
const FULL = structuredClone(PROD) as Record<string, any>;
Object.assign(FULL, {
  name: 'prod',
  internalDomain: 'internal.cloud-chatops.nubes.rl.ac.uk',
  ssh: { user: 'deploy', identityFile: 'keys/id_ed25519', knownHosts: 'known_hosts', jumpHost: 'jump@bastion.stfc.ac.uk:2222' },
});
FULL.nodes[0].localAddress = '127.0.0.1';
FULL.nodes[0].ssh = { host: 'lb-1.mgmt.stfc.ac.uk', user: 'root' };
Object.assign(FULL.grafana.oauth, {
  groupsAttributePath: 'groups[*]',
  loginAttributePath: 'preferred_username',
  emailAttributePath: 'email',
  roleGroups: { Admin: ['stfc-cloud-admins'], Editor: ['stfc-cloud'] },
});
FULL.grafana.secretKey = { file: 'grafana-secret-key' };
FULL.alerting.email.username = 'chatops-alerts';
FULL.alerting.email.password = { env: 'SMTP_PASSWORD' };
FULL.alerting.deadMansSwitch = { url: { onNode: '/etc/chatops/secrets/dead-mans-switch-url' }, interval: '5m' };
FULL.chatops.healthPath = '/health';
FULL.prometheus.dataPath = '/var/lib/prometheus/metrics2';
Object.assign(FULL.elastic, { dataPath: '/var/lib/elasticsearch', logPath: '/var/log/elasticsearch', retention: '30d' });
FULL.tls.internal.keyAlgorithm = 'ecdsa-p256';

/** Services whose files a daemon's own checker reads (haproxy -c, promtool check config/rules/web-config, amtool). */
const CHECKED = ['haproxy', 'prometheus', 'alertmanager'];

/** A field: a path to a string value, or (`key: true`) to a mapping key whose name is the value. */
type Path = (string | number)[];
interface Field {
  readonly path: Path;
  readonly key?: boolean;
}

/** Every string leaf of a document, with its path. */
function stringLeaves(doc: unknown, path: Path = []): Path[] {
  if (typeof doc === 'string') return [path];
  if (Array.isArray(doc)) return doc.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (doc && typeof doc === 'object') return Object.entries(doc).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

const isPathField = (p: Path) => ['onNode', 'dataPath', 'logPath'].includes(String(p[p.length - 1])) || p[0] === 'pathPrefix';
const PATH_FIELDS: Field[] = [
  ...stringLeaves(PROD).filter(isPathField),
  ['pathPrefix'],
  ['prometheus', 'dataPath'],
  ['elastic', 'dataPath'],
  ['elastic', 'logPath'],
].map((path) => ({ path }));
// Every other string field of the full environment ($schema is the editor's, never read), and the mapping keys
// that are names (the app's secret variables, the app's config keys).
const STRING_FIELDS: Field[] = [
  ...stringLeaves(FULL)
    .filter((p) => !isPathField(p) && p[0] !== '$schema')
    .map((path) => ({ path })),
  { path: ['chatops', 'secrets', 'GITHUB_TOKEN'], key: true },
  { path: ['chatops', 'config', 'reminder_channel'], key: true },
];

function valueAt(doc: unknown, path: Path): unknown {
  let cursor: unknown = doc;
  for (const seg of path) cursor = cursor && typeof cursor === 'object' ? (cursor as Record<string | number, unknown>)[seg] : undefined;
  return cursor;
}

function withValue(base: unknown, field: Field, value: string): unknown {
  const doc = structuredClone(base) as Record<string | number, unknown>;
  const { path } = field;
  const parent = valueAt(doc, path.slice(0, -1)) as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (!field.key) {
    parent[last] = value;
    return doc;
  }
  // Rename the key in place (same position).
  const entries = Object.entries(parent).map(([k, v]) => [k === last ? value : k, v] as const);
  for (const k of Object.keys(parent)) delete parent[k];
  for (const [k, v] of entries) parent[k] = v;
  return doc;
}

const HOSTILE = [
  '\n',
  '\r',
  '\0',
  '"',
  "'",
  '%',
  '%i',
  '%n',
  '$',
  '$$',
  '${X}',
  '$X',
  '$__env{HOME}',
  '`',
  '\\',
  '\\n',
  ' ',
  '\t',
  '\u2028',
  '\u2029',
  '\u0085',
  '#',
  ';',
  ':',
  '=',
  ',',
  '[',
  ']',
  '{',
  '}',
  '{{',
  '}}',
  '(',
  ')',
  '*',
  '|',
  '&',
  '<<',
  '..',
  '/',
  '@',
  '!',
  '~',
  '?',
  'é',
  '\u00a0',
  '\ud800',
  'ExecStartPre=/bin/true',
  '- x',
  '#{',
  '[section]',
  'key = v',
  '" or "',
  '\', "',
  '--',
];
const hostile = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE, 'a', 'b', '1', '.', '-'), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('x'.repeat(300), ''),
);
/** Hostile text around a plausible value, so it also gets past simple prefix checks. */
const around = (base: string) =>
  fc.tuple(hostile, fc.constantFrom('prefix', 'suffix', 'inside', 'replace')).map(([h, where]) => {
    if (where === 'prefix') return h + base;
    if (where === 'suffix') return base + h;
    if (where === 'inside') return base.slice(0, base.length >> 1) + h + base.slice(base.length >> 1);
    return h;
  });

describe('hostile strings in every string field (fixed seed)', () => {
  const dir = tempDir();
  afterAll(() => dir[Symbol.dispose]());
  const file = join(dir.path, 'prod.yaml');
  writeFileSync(join(dir.path, 'grafana-secret-key'), 'a-grafana-secret-key');
  // One PKI per base environment, issued once and reused by every run whose certificates it already holds (same
  // CA settings, same requests); a value that renames a node or the CA is issued anew, in memory, as the CLI would.
  const pkis = new Map<unknown, { pki: RenderContext['pki']; key: string }>();
  const pkiKey = (env: RenderContext['env']) => JSON.stringify([pkiSettings(env), certificateRequests(env)]);
  const render = async (base: unknown, doc: unknown): Promise<{ ctx: RenderContext; result: StackResult }> => {
    writeFileSync(file, dump(doc));
    const options = { cwd: dir.path, env: { SMTP_PASSWORD: 'smtp-password' } };
    let ctx: RenderContext;
    const known = pkis.get(base);
    if (known) {
      const { environment, secrets } = loadEnvironment(file, {
        ...options,
        services: RENDERERS,
        certificates: (env) => certificateRequests(env),
      });
      ctx =
        pkiKey(environment) === known.key
          ? { env: environment, secrets, pki: known.pki }
          : await prepareRender(file, { ...options, pkiDir: mkdtempSync(join(dir.path, 'pki-')), persistPki: false });
    } else {
      ctx = await prepareRender(file, { ...options, pkiDir: mkdtempSync(join(dir.path, 'pki-')), persistPki: false });
      pkis.set(base, { pki: ctx.pki, key: pkiKey(ctx.env) });
    }
    return { ctx, result: renderStack(ctx) };
  };
  /** Per node (environment order): each non-secret file's content and parsed structure. */
  type Baseline = Map<string, { content: string; parsed: unknown }>[];
  const baselines = new Map<unknown, Baseline>();
  const baselineOf = async (base: unknown): Promise<Baseline> => {
    if (!baselines.has(base)) {
      const nodes = [...(await render(base, base)).result.bundles.values()].map((artifacts) => {
        const parsed = parsedBundle(artifacts);
        return new Map(artifacts.filter((a) => !a.secret).map((a) => [a.path, { content: a.content, parsed: parsed.get(a.path) }]));
      });
      baselines.set(base, nodes);
    }
    return baselines.get(base)!;
  };

  /** Accepted values that changed a file a daemon's own checker reads, by that service (first found first). */
  const accepted = new Map<string, { ctx: RenderContext; result: StackResult; what: string }>();
  /** The first accepted changed path value, rendered again through the CLI (what it writes, and where). */
  let cliSample: { text: string; what: string } | undefined;
  const property = (base: unknown, fields: readonly Field[]) =>
    fc.asyncProperty(
      fc.constantFrom(...fields).chain((field) => {
        const original = field.key ? String(field.path[field.path.length - 1]) : String(valueAt(base, field.path));
        return around(original).map((value) => ({ field, original, value }));
      }),
      ({ field, value }) => predicate(base, field, value),
    );
  const predicate = async (base: unknown, field: Field, value: string) => {
    const original = field.key ? String(field.path[field.path.length - 1]) : String(valueAt(base, field.path));
    const what = `${field.path.join('.')}${field.key ? ' (key)' : ''} = ${JSON.stringify(value)}`;
    const baseline = await baselineOf(base);
    let rendered: { ctx: RenderContext; result: StackResult };
    try {
      rendered = await render(base, withValue(base, field, value));
    } catch (e) {
      // Refused: a message located in the environment file (exit 2), never anything else (exit 70)...
      expect(e, what).toBeInstanceOf(ConfigError);
      const { diagnostics } = e as ConfigError;
      for (const d of diagnostics) {
        expect(d.file, `${what}: ${d.message}`).toBe('prod.yaml');
        expect(d.line, `${what}: ${d.message}`).toBeGreaterThan(0);
      }
      // ...and pointing at the value: at its line, or at the list or mapping holding it (a rule about the whole).
      const path = field.key ? [...field.path.slice(0, -1), value] : field.path;
      const line = yamlLineLocator(readFileSync(file, 'utf8'))(path);
      const holds = (p: readonly (string | number)[]) => p.length > 0 && p.length <= path.length && p.every((s, i) => s === path[i]);
      expect(
        diagnostics.some((d) => d.line === line || holds(d.path)),
        `${what} (line ${line}): ${(e as ConfigError).message}`,
      ).toBe(true);
      return;
    }
    const bundles = rendered.result.bundles;
    if (base === PROD && value !== original && !cliSample) cliSample = { text: readFileSync(file, 'utf8'), what };
    // A key holding the value (or the value it replaced) may be renamed, not added.
    const key = (k: string) => (k.includes(original) || k === value || (value !== '' && k.includes(value)) ? '*' : k);
    // Nodes in environment order (a node's name is a field too).
    for (const [i, [node, artifacts]] of [...bundles].entries()) {
      for (const a of artifacts) expect(posix.normalize(a.path), a.path).toBe(a.path);
      if (field.path[0] === 'pathPrefix') continue; // re-rooted paths: compared by count only
      const before = baseline[i]!;
      const files = artifacts.filter((a) => !a.secret);
      expect(files.map((a) => a.path).sort(), `${node}: ${what}`).toEqual([...before.keys()].sort());
      // Only files whose text changed can have changed structure (re-parsing all of them is the slow part).
      const changed = files.filter((a) => a.content !== before.get(a.path)!.content);
      for (const service of new Set(changed.map((a) => a.service)))
        if (CHECKED.includes(service) && !accepted.has(service)) accepted.set(service, { ...rendered, what });
      const now = parsedBundle(changed);
      for (const a of changed)
        expect(shapeOf(now.get(a.path), key), `${node}:${a.path}: ${what}`).toBe(shapeOf(before.get(a.path)!.parsed, key));
    }
  };

  // Generous timeouts: a loaded CI machine renders several times slower (about 10 s each when idle).
  it('path fields', async () => {
    await fc.assert(property(PROD, PATH_FIELDS), { seed: 12, numRuns: 200 });
  }, 180_000);

  it('every other string field', async () => {
    await fc.assert(property(FULL, STRING_FIELDS), { seed: 12, numRuns: 250 });
  }, 180_000);

  // The real checkers take about a second per service: only the first accepted value (in the fixed seed's order)
  // that changed each checked service's files is checked, with only that service rendered.
  it("the daemons' own checkers accept what a hostile-but-valid value renders (sampled)", async () => {
    for (const tool of ['haproxy', 'promtool', 'amtool']) requireBinary(tool);
    const sampled: string[] = [];
    for (const service of CHECKED) {
      const first = accepted.get(service);
      expect(first, `no accepted value changed ${service}'s files`).toBeDefined();
      const { ctx, result, what } = first!;
      const renderers = RENDERERS.filter((r) => r.service === service);
      // That service's own render and checks (runNativeChecks runs the checks of the result it is given).
      const own = renderStack(ctx, { services: renderers, checks: [] });
      expect(own.bundles.size, service).toBe(result.bundles.size);
      const outcomes = await runNativeChecks(ctx, own, { services: renderers, checks: [] });
      expect(outcomes.length, service).toBeGreaterThan(0);
      for (const o of outcomes) expect(`${o.node} ${o.name}: ${o.status}`, `${what}: ${o.output}`).toBe(`${o.node} ${o.name}: passed`);
      sampled.push(`${service}: ${what}`);
    }
    expect(sampled).toHaveLength(CHECKED.length);
  }, 120_000);

  it('the CLI renders the first accepted hostile path with exit 0, writing only under --out and the PKI directory', async () => {
    expect(cliSample, 'no changed path value was accepted').toBeDefined();
    const root = mkdtempSync(join(dir.path, 'cli-'));
    mkdirSync(join(root, 'config'));
    writeFileSync(join(root, 'config', 'prod.yaml'), cliSample!.text);
    let stderr = '';
    const io = { cwd: root, env: { SMTP_PASSWORD: 'smtp-password' }, stdout: () => {}, stderr: (t: string) => (stderr += t) };
    expect(await runCli(['render', 'prod', '--config', 'config/prod.yaml', '--out', 'out'], io), `${cliSample!.what}: ${stderr}`).toBe(0);
    const written = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(root.length + 1));
    expect(
      written.filter((f) => !/^(out\/prod\/|config\/\.pki\/prod\/)/.test(f) && f !== 'config/prod.yaml'),
      cliSample!.what,
    ).toEqual([]);
    expect(
      written.some((f) => f.startsWith('out/prod/lb-1/')),
      cliSample!.what,
    ).toBe(true);
  }, 120_000);
});
