import { alertmanagerJsonSchema, alertmanagerWebJsonSchema, printAlertmanagerConfig } from '@chatops/alertmanager-config';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { sampleConfig } from './fixtures.js';

function validator(schema: Record<string, unknown>) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('JSON Schema', () => {
  it('accepts what the printer writes and rejects unknown or misplaced keys', () => {
    const validate = validator(alertmanagerJsonSchema());
    expect(validate(load(printAlertmanagerConfig(sampleConfig)))).toBe(true);
    expect(validate({ route: { receiver: 'r', reciever: 'x' }, receivers: [{ name: 'r' }] })).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toContain('/route must NOT have additional properties');
    expect(validate({ route: { receiver: 'r' }, receivers: [{ name: 'r', slack_configs: [{ to: 'a@b.c' }] }] })).toBe(false);
  });

  it('describes web.yml', () => {
    const validate = validator(alertmanagerWebJsonSchema());
    expect(validate({ basic_auth_users: { a: '$2b$10$pb/dqgUT9TbwYs3FdtYPTOD71ecDIREDbEdyAOzffRJzcRHZHp1sy' } })).toBe(true);
    expect(validate({ tls_server_config: { cert_file: '/c' } })).toBe(false);
  });
});
