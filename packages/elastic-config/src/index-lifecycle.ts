import { validateWith } from '@chatops/core';
import { z } from 'zod';

const days = z.string().regex(/^[1-9]\d*d$/, { message: 'expected a whole number of days, e.g. 30d' });

/** An ILM policy (`PUT /_ilm/policy/<name>` body) limited to what we use: keep, then delete after an age. */
export const ilmPolicySchema = z.strictObject({
  policy: z.strictObject({
    phases: z.strictObject({
      hot: z.strictObject({ actions: z.strictObject({}) }),
      delete: z.strictObject({ min_age: days, actions: z.strictObject({ delete: z.strictObject({}) }) }),
    }),
  }),
});
export type IlmPolicy = z.infer<typeof ilmPolicySchema>;

/** A composable index template (`PUT /_index_template/<name>` body) limited to the settings we set. */
export const indexTemplateSchema = z.strictObject({
  index_patterns: z.array(z.string().regex(/^[a-z0-9][a-z0-9_.-]*\*?$/, { message: 'expected a lower-case index pattern' })).min(1),
  priority: z.number().int().min(0),
  template: z.strictObject({
    settings: z.strictObject({
      number_of_shards: z.number().int().min(1),
      number_of_replicas: z.number().int().min(0),
      'index.lifecycle.name': z.string().min(1),
    }),
  }),
  _meta: z.strictObject({ description: z.string() }).optional(),
});
export type IndexTemplate = z.infer<typeof indexTemplateSchema>;

/** Name of the ILM policy and index template of the stack's log indices. */
export const LOG_LIFECYCLE = 'chatops-logs';
/** The log indices Logstash writes (`chatops-<service>-YYYY.MM.dd`). */
export const LOG_INDEX_PATTERN = 'chatops-*';

/** Daily indices are deleted once they are `retention` old: the disk and the shard count stay bounded. */
export function logRetentionPolicy(retention: string): IlmPolicy {
  return validateWith(ilmPolicySchema, {
    policy: { phases: { hot: { actions: {} }, delete: { min_age: retention, actions: { delete: {} } } } },
  });
}

/**
 * Settings every log index gets at creation: one shard, no replica on a single node (a replica there can never
 * be allocated and keeps the cluster yellow), and the retention policy.
 */
export function logIndexTemplate(props: { readonly dataNodes: number }): IndexTemplate {
  return validateWith(indexTemplateSchema, {
    index_patterns: [LOG_INDEX_PATTERN],
    priority: 200,
    template: {
      settings: { number_of_shards: 1, number_of_replicas: Math.min(1, props.dataNodes - 1), 'index.lifecycle.name': LOG_LIFECYCLE },
    },
    _meta: { description: 'Rendered by @chatops/elastic-config' },
  });
}

/** Two-space JSON with a final newline, as the setup script sends it. */
export function printJsonBody(body: IlmPolicy | IndexTemplate): string {
  return `${JSON.stringify(body, null, 2)}\n`;
}
