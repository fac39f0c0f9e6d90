import { absolutePath, validateWith, toYaml } from '@chatops/core';
import { z } from 'zod';
import { grafanaUid, strayExpansions } from './datasource-provisioning.js';

const fileProvider = z.strictObject({
  name: z.string().min(1),
  orgId: z.number().int().min(1).optional(),
  folder: z.string().optional(),
  folderUid: grafanaUid.optional(),
  type: z.literal('file'),
  disableDeletion: z.boolean().optional(),
  updateIntervalSeconds: z.number().int().min(10).optional(),
  allowUiUpdates: z.boolean().optional(),
  options: z.strictObject({
    path: absolutePath,
    foldersFromFilesStructure: z.boolean().optional(),
  }),
});

/** `provisioning/dashboards/*.yaml` (apiVersion 1) with file providers. */
export const dashboardProvidersSchema = z
  .strictObject({
    apiVersion: z.literal(1),
    providers: z.array(fileProvider).min(1),
  })
  .superRefine((file, ctx) => {
    const names = new Set<string>();
    file.providers.forEach((p, i) => {
      if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['providers', i, 'name'], message: `duplicate provider name ${p.name}` });
      names.add(p.name);
    });
  });

export type DashboardProviders = z.output<typeof dashboardProvidersSchema>;
export type DashboardProvidersInput = z.input<typeof dashboardProvidersSchema>;

/** Validates a dashboard provider file, including `$` Grafana would expand by surprise. */
export function validateDashboardProviders(value: unknown): DashboardProviders {
  return validateWith(dashboardProvidersSchema, value, {}, strayExpansions);
}

export function printDashboardProviders(value: DashboardProvidersInput, options: { header?: string } = {}): string {
  return toYaml(validateDashboardProviders(value), options);
}
