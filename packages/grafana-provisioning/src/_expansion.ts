import { z } from 'zod';

/**
 * Grafana expands `$__file{/path}` and `$__env{NAME}` in grafana.ini and in provisioning files, and `$NAME` /
 * `${NAME}` (environment variables) in provisioning files; `$$` is a literal `$`.
 */
const FILE_REF = /^\$__file\{(\/[^{}\s]*)\}$/;
const ENV_REF = /^\$__env\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** `$__file{/etc/grafana/secrets/x}`: Grafana reads (and trims) the file when it loads its config. */
export function fileReference(path: string): string {
  const ref = `$__file{${path}}`;
  if (!FILE_REF.test(ref))
    throw new Error(`cannot reference ${JSON.stringify(path)} with $__file{}: expected an absolute path without braces or spaces`);
  return ref;
}

/**
 * A secret-bearing setting: only an indirection (`$__file{/abs/path}` or `$__env{NAME}`), never the value.
 * This is what keeps secret values out of rendered configs by construction.
 */
export const secretReference = z.string().refine((v) => FILE_REF.test(v) || ENV_REF.test(v), {
  message: 'expected a $__file{/absolute/path} or $__env{NAME} reference, never an inline secret value',
});

/**
 * Finds `$` characters Grafana would expand in a provisioning file value although they are not a deliberate
 * reference (a `$` in a URL or label would silently be replaced by an empty environment variable).
 */
export function strayExpansion(value: string): string | undefined {
  const rest = value.replaceAll('$$', '').replace(/\$__(file|env)\{[^{}]*\}/g, '');
  if (!rest.includes('$')) return undefined;
  return 'Grafana expands "$" here (environment variables, $__file{}); write "$$" for a literal "$"';
}
