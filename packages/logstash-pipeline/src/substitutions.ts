import type { Config, Statement, Value } from './ast.js';

/** A `${NAME}` or `${NAME:default}` reference, resolved by Logstash from its keystore or the environment. */
export interface Substitution {
  readonly name: string;
  readonly default?: string;
}

// logstash-core SubstitutionVariables: /\$\{(?<name>[a-zA-Z_.][a-zA-Z0-9_.]*)(:(?<default>[^}]*))?\}/
const PLACEHOLDER = /\$\{([a-zA-Z_.][a-zA-Z0-9_.]*)(?::([^}]*))?\}/g;

/** The substitutions in one string value. */
export function substitutionsIn(value: string): Substitution[] {
  return [...value.matchAll(PLACEHOLDER)].map((m) => (m[2] === undefined ? { name: m[1]! } : { name: m[1]!, default: m[2] }));
}

/** `${NAME}` (validated name). */
export function substitution(name: string): string {
  if (!/^[a-zA-Z_.][a-zA-Z0-9_.]*$/.test(name)) throw new Error(`not a substitution variable name: ${JSON.stringify(name)}`);
  return `\${${name}}`;
}

/** Every substitution in a config's plugin values (strings and barewords, codecs included), in order. */
export function configSubstitutions(config: Config): Substitution[] {
  const out: Substitution[] = [];
  const value = (v: Value): void => {
    if (v.kind === 'string' || v.kind === 'bareword') out.push(...substitutionsIn(v.value));
    else if (v.kind === 'array') v.items.forEach(value);
    else if (v.kind === 'hash') v.entries.forEach((e) => value(e.value));
    else if (v.kind === 'plugin') v.attributes.forEach((a) => value(a.value));
  };
  const body = (statements: readonly Statement[]): void => {
    for (const s of statements) {
      if (s.kind === 'plugin') value(s);
      else {
        for (const c of s.clauses) body(c.body);
        if (s.else) body(s.else);
      }
    }
  };
  for (const section of config.sections) body(section.body);
  return out;
}
