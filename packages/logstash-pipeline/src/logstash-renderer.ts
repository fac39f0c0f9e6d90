import { type Artifact, artifact, execLine, placeSecret, printUnitFile, sandbox, shellQuote } from '@chatops/core';
import {
  type CertificateRequest,
  type Environment,
  type NodeSpec,
  type RenderContext,
  type ServiceRenderer,
  clientCertificate,
  clientTlsFiles,
  nodePath,
  nodeWithRole,
  serviceCertificate,
  tlsFiles,
} from '@chatops/environment';
import type { Config } from './ast.js';
import { parsePipeline } from './parse.js';
import { printPipeline } from './print.js';
import { logstashYml, pipelinesYml } from './settings-files.js';
import { ES_PASSWORD_VARIABLE, stackPipeline } from './stack-pipeline.js';
import { logstashFacts } from './facts.js';

export const LOGSTASH_SERVICE = 'logstash';
export const PIPELINE_ID = 'chatops';
export const PIPELINE_PATH = '/etc/logstash/conf.d/chatops.conf';
export const PIPELINES_YML_PATH = '/etc/logstash/pipelines.yml';
export const LOGSTASH_YML_PATH = '/etc/logstash/logstash.yml';
/** Where the password file goes when its value is rendered (env/file secrets); `onNode` secrets stay where they are. */
export const ES_PASSWORD_FILE = '/etc/chatops/secrets/logstash/es-password';
export const PASSWORD_DROP_IN_PATH = '/etc/systemd/system/logstash.service.d/chatops-es-password.conf';
const CREDENTIAL = 'es_password';
const HEADER = 'Rendered by @chatops/logstash-pipeline; do not edit.';

/**
 * The systemd drop-in that hands the Elasticsearch password to Logstash as `$ES_PASSWORD` (read by the pipeline's
 * `${ES_PASSWORD}`). `LoadCredential=` lets the file stay root-only (systemd copies it into the service's private
 * credentials directory); the wrapper exports it for the JVM only. This works the same for rendered and on-node
 * secrets, unlike `/etc/default/logstash`, which needs the value at render time.
 */
export function passwordDropIn(passwordFile: string, settingsDir: string): string {
  // The script is one argv word: the unit printer quotes it for systemd, shellQuote quotes the path for sh.
  const script = `${ES_PASSWORD_VARIABLE}="$(cat "\${CREDENTIALS_DIRECTORY}/${CREDENTIAL}")" || exit 1; export ${ES_PASSWORD_VARIABLE}; exec /usr/share/logstash/bin/logstash --path.settings ${shellQuote(settingsDir)}`;
  return printUnitFile(
    {
      Service: {
        LoadCredential: `${CREDENTIAL}:${passwordFile}`,
        ExecStart: ['', execLine(['/bin/sh', '-c', script])],
        // The package's user, restated so the drop-in alone decides the score; the JVM needs writable
        // executable memory and host-wide /proc. It writes its queues and logs only.
        User: 'logstash',
        Group: 'logstash',
        ...sandbox({ writable: ['-/var/lib/logstash', '-/var/log/logstash'], memoryDenyWriteExecute: false, hideProc: false }),
      },
    },
    { header: HEADER },
  );
}

/** What a Beats client needs to know about a rendered beats input. */
export interface RenderedBeatsInput {
  readonly node: string;
  /** Bind address from the rendered `host`. */
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** Whether clients must present a certificate (`ssl_client_authentication => required`). */
  readonly clientAuth: boolean;
  /** Names and addresses the input's certificate is valid for. */
  readonly names: readonly string[];
  /** PEM of the CA that signed it. */
  readonly caCert: string;
}

/** The stack's pipeline for the Logstash node, as rendered (pure). */
export function renderStackPipeline(
  ctx: RenderContext,
  node: NodeSpec,
): { config: Config; text: string; tls: ReturnType<typeof tlsFiles>; client: ReturnType<typeof clientTlsFiles> } {
  const tls = tlsFiles(ctx, node, LOGSTASH_SERVICE, { owner: 'logstash' });
  const client = clientTlsFiles(ctx, node, LOGSTASH_SERVICE, { owner: 'logstash' });
  const config = stackPipeline(ctx.env, node, { ...tls, client });
  return { config, text: printPipeline(config, { header: [HEADER] }), tls, client };
}

export const logstashRenderer: ServiceRenderer = {
  ...logstashFacts,
  securityBudgets: { 'logstash.service': { max: 2.0 } }, // systemd 252: 1.3
  certificates(env: Environment, node: NodeSpec): readonly CertificateRequest[] {
    return [serviceCertificate(env, node, LOGSTASH_SERVICE), clientCertificate(env, node, LOGSTASH_SERVICE)];
  },
  render(node: NodeSpec, ctx: RenderContext) {
    const { env } = ctx;
    const p = (path: string) => nodePath(env, node, path);
    const { text, tls, client } = renderStackPipeline(ctx, node);
    const secret = placeSecret(env.elastic.logstashPassword, ctx.secrets, {
      path: p(ES_PASSWORD_FILE),
      service: LOGSTASH_SERVICE,
      mode: '0600',
      action: 'restart',
    });
    const artifacts: Artifact[] = [
      ...tls.artifacts,
      ...client.artifacts,
      ...secret.artifacts,
      artifact({
        path: p(PIPELINE_PATH),
        content: text,
        service: LOGSTASH_SERVICE,
        owner: 'root',
        group: 'logstash',
        mode: '0640',
        action: 'restart',
      }),
      artifact({
        path: p(PIPELINES_YML_PATH),
        content: pipelinesYml([{ id: PIPELINE_ID, pathConfig: p(PIPELINE_PATH) }], HEADER),
        service: LOGSTASH_SERVICE,
        action: 'restart',
      }),
      artifact({ path: p(LOGSTASH_YML_PATH), content: logstashYml({}, HEADER), service: LOGSTASH_SERVICE, action: 'restart' }),
      artifact({
        path: p(PASSWORD_DROP_IN_PATH),
        content: passwordDropIn(secret.path, p('/etc/logstash')),
        service: LOGSTASH_SERVICE,
        action: 'restart',
      }),
    ];
    return { artifacts };
  },
};

/**
 * Reads the beats inputs back from the rendered pipeline files in a stack's bundles (with this package's parser),
 * for cross-checks such as Filebeat's output agreeing with them.
 */
export function renderedBeatsInputs(ctx: RenderContext, bundles: ReadonlyMap<string, readonly Artifact[]>): RenderedBeatsInput[] {
  const { env } = ctx;
  const node = nodeWithRole(env, 'logstash');
  const file = bundles.get(node.name)?.find((a) => a.path === nodePath(env, node, PIPELINE_PATH));
  if (!file) return [];
  const cert = serviceCertificate(env, node, LOGSTASH_SERVICE);
  const out: RenderedBeatsInput[] = [];
  for (const section of parsePipeline(file.content, { file: file.path }).sections) {
    if (section.type !== 'input') continue;
    for (const s of section.body) {
      if (s.kind !== 'plugin' || s.name !== 'beats') continue;
      const attr = (name: string) => s.attributes.find((a) => a.name === name)?.value;
      const scalar = (name: string) => {
        const v = attr(name);
        return v && (v.kind === 'string' || v.kind === 'number' || v.kind === 'bareword') ? v.value : undefined;
      };
      out.push({
        node: node.name,
        host: scalar('host') ?? '0.0.0.0',
        port: Number(scalar('port')),
        tls: scalar('ssl_enabled') === 'true',
        clientAuth: scalar('ssl_client_authentication') === 'required',
        names: [...cert.dnsNames, ...cert.ipAddresses],
        caCert: ctx.pki.caCert,
      });
    }
  }
  return out;
}
