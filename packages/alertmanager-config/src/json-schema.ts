import { z } from 'zod';
import { alertmanagerConfigSchema } from './alertmanager-config.js';
import { webConfigSchema } from '@chatops/prometheus-common';

/**
 * JSON Schema (draft 2020-12) of `alertmanager.yml` as this package models it, for editors and CI (ajv). Matcher
 * syntax and cross-references are checked by `checkAlertmanagerConfig`, not by the schema.
 */
export function alertmanagerJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(alertmanagerConfigSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>),
    title: 'Alertmanager 0.25 configuration (alertmanager.yml)',
  };
}

/** JSON Schema of Alertmanager's `web.yml`. */
export function alertmanagerWebJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(webConfigSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>),
    title: 'Alertmanager web configuration (web.yml)',
  };
}
