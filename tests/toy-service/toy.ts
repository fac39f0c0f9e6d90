// A service as a new package would add it: its facts as data next to its renderer (`src/facts.ts` and
// `src/toy-renderer.ts` in a real package), registered with one line in the stack's catalogue.
import { artifact } from '@chatops/core';
import {
  type HealthFact,
  type ServiceFacts,
  type ServiceRenderer,
  nodePath,
  nodesWithRole,
  serviceCertificate,
  tlsFiles,
} from '@chatops/environment';

/** The port the toy listens on (a real service would take it from `ports:` in the environment schema). */
export const TOY_PORT = 9555;

const health: HealthFact = { port: () => TOY_PORT, path: '/healthz', ok: [200] };

export const toyFacts: ServiceFacts = {
  service: 'toy',
  runsOn: ['chatops'],
  after: ['chatops'],
  listeners: () => [{ port: TOY_PORT }],
  units: ['toy.service'],
  health,
  requires: { binaries: [{ binary: 'toyd', fix: 'apt-get install toy' }], user: 'toy' },
  logs: { journal: true },
  logParsing: { grok: '%{TIMESTAMP_ISO8601:toy_time} %{GREEDYDATA:log_message}', date: { field: 'toy_time', format: 'ISO8601' } },
  metrics: [{ job: 'toy', port: () => TOY_PORT, path: '/metrics', basicAuth: true }],
  route: (env) => ({
    subdomain: 'toy',
    auth: true,
    healthPath: health.path,
    expect: { status: '200' },
    servers: nodesWithRole(env, 'chatops').map((node) => ({ name: node.name, node, port: TOY_PORT })),
  }),
};

export const toyRenderer: ServiceRenderer = {
  ...toyFacts,
  certificates: (env, node) => [serviceCertificate(env, node, 'toy')],
  render: (node, ctx) => {
    const tls = tlsFiles(ctx, node, 'toy', { action: 'restart' });
    return {
      artifacts: [
        ...tls.artifacts,
        artifact({
          path: nodePath(ctx.env, node, '/etc/toy/toy.conf'),
          content: `listen ${node.address}:${TOY_PORT}\ncert ${tls.certFile}\nkey ${tls.keyFile}\n`,
          service: 'toy',
          action: 'restart',
        }),
      ],
    };
  },
};
