import TOML from '@iarna/toml';
import { stripUndefined, withHeader } from './yaml.js';

/** Serializes to TOML (insertion key order, tables after plain keys as TOML requires). */
export function toToml(value: Record<string, unknown>, options: { header?: string } = {}): string {
  const body = TOML.stringify(stripUndefined(value) as TOML.JsonMap);
  return withHeader(options.header, body.endsWith('\n') ? body : `${body}\n`);
}
