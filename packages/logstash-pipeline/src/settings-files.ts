import { absolutePath, toYaml } from '@chatops/core';
import { ConfigError, validateWith } from '@chatops/core';
import { z } from 'zod';

export const pipelineEntrySchema = z.strictObject({
  /** `pipeline.id` */
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: 'expected a pipeline id of letters, digits, _, . and -' }),
  /** `path.config`: a file or glob of `.conf` files. */
  pathConfig: absolutePath,
  /** `pipeline.workers` @default number of CPU cores */
  workers: z.number().int().min(1).optional(),
  /** `pipeline.batch.size` @default 125 */
  batchSize: z.number().int().min(1).optional(),
  /** `queue.type` @default 'memory' */
  queueType: z.enum(['memory', 'persisted']).optional(),
});
export type PipelineEntry = z.input<typeof pipelineEntrySchema>;

/** `pipelines.yml`: several pipelines, ids unique, in the given order. */
export function pipelinesYml(entries: readonly PipelineEntry[], header?: string): string {
  const list = validateWith(z.array(pipelineEntrySchema).min(1), entries);
  const ids = new Set<string>();
  list.forEach((e, i) => {
    if (ids.has(e.id)) throw new ConfigError([{ path: [i, 'id'], message: `duplicate pipeline id ${e.id}` }]);
    ids.add(e.id);
  });
  return toYaml(
    list.map((e) => ({
      'pipeline.id': e.id,
      'path.config': e.pathConfig,
      'pipeline.workers': e.workers,
      'pipeline.batch.size': e.batchSize,
      'queue.type': e.queueType,
    })),
    { header },
  );
}

export const logstashYmlSchema = z.strictObject({
  /** `path.data` @default '/var/lib/logstash' */
  pathData: absolutePath.default('/var/lib/logstash'),
  /** `path.logs` @default '/var/log/logstash' */
  pathLogs: absolutePath.default('/var/log/logstash'),
  /** `api.http.host`: the monitoring API stays on loopback. @default '127.0.0.1' */
  apiHost: z.string().min(1).default('127.0.0.1'),
  /** `api.http.port` @default 9600 */
  apiPort: z.number().int().min(1).max(65535).default(9600),
  /** `log.level` @default 'info' */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});
export type LogstashYmlProps = z.input<typeof logstashYmlSchema>;

/**
 * A minimal `logstash.yml`. `config.support_escapes: false` is written out because the printer quotes for it, and
 * `config.reload.automatic` stays off: changes are applied by a restart.
 */
export function logstashYml(props: LogstashYmlProps = {}, header?: string): string {
  const o = validateWith(logstashYmlSchema, props);
  return toYaml(
    {
      'path.data': o.pathData,
      'path.logs': o.pathLogs,
      'api.http.host': o.apiHost,
      'api.http.port': o.apiPort,
      'log.level': o.logLevel,
      'config.support_escapes': false,
      'config.reload.automatic': false,
    },
    { header },
  );
}
