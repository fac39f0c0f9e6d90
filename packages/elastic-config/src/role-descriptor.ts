import { validateWith } from '@chatops/core';
import { z } from 'zod';

const CLUSTER_PRIVILEGES = [
  'monitor',
  'manage_index_templates',
  'manage_ilm',
  'manage_ingest_pipelines',
  'manage_pipeline',
  'read_ilm',
] as const;
const INDEX_PRIVILEGES = [
  'create',
  'create_doc',
  'create_index',
  'index',
  'write',
  'manage',
  'manage_ilm',
  'read',
  'view_index_metadata',
  'auto_configure',
] as const;

/** An Elasticsearch role descriptor (`PUT /_security/role/<name>` body), limited to the privileges we grant. */
export const roleDescriptorSchema = z.strictObject({
  cluster: z.array(z.enum(CLUSTER_PRIVILEGES)),
  indices: z
    .array(
      z.strictObject({
        names: z.array(z.string().regex(/^[a-z0-9][a-z0-9_.*-]*$/, { message: 'expected a lower-case index name or pattern' })).min(1),
        privileges: z.array(z.enum(INDEX_PRIVILEGES)).min(1),
      }),
    )
    .min(1),
});
export type RoleDescriptor = z.infer<typeof roleDescriptorSchema>;

/** Prints a role descriptor as JSON (two-space indented, final newline). */
export function printRoleDescriptor(role: RoleDescriptor): string {
  return `${JSON.stringify(validateWith(roleDescriptorSchema, role), null, 2)}\n`;
}

/** The user Logstash writes as and its role (names shared with @chatops/logstash-pipeline). */
export const LOGSTASH_WRITER = 'logstash_writer';

/**
 * What Logstash needs to write `chatops-*` indices, and no more: the setup script (as elastic) owns the index
 * template and the ILM policy, so the writer cannot manage, delete or re-template indices.
 */
export const LOGSTASH_WRITER_ROLE: RoleDescriptor = {
  cluster: ['monitor'],
  indices: [{ names: ['chatops-*'], privileges: ['create_index', 'index'] }],
};
