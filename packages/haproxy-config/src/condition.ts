import { type WordSyntax, splitWords } from '@chatops/core';

/** ACLs HAProxy predefines: usable in conditions without an `acl` line. */
export const PREDEFINED_ACLS: ReadonlySet<string> = new Set([
  'FALSE',
  'HTTP',
  'HTTP_1.0',
  'HTTP_1.1',
  'HTTP_2.0',
  'HTTP_CONTENT',
  'HTTP_URL_ABS',
  'HTTP_URL_SLASH',
  'HTTP_URL_STAR',
  'LOCALHOST',
  'METH_CONNECT',
  'METH_DELETE',
  'METH_GET',
  'METH_HEAD',
  'METH_OPTIONS',
  'METH_POST',
  'METH_PUT',
  'METH_TRACE',
  'RDP_COOKIE',
  'REQ_CONTENT',
  'TRUE',
  'WAIT_END',
]);

/** What a condition refers to. */
export interface ConditionRefs {
  /** Named ACLs used (without `!`). */
  readonly aclNames: readonly string[];
  /** Anonymous ACLs `{ fetch ... }`, as their words. */
  readonly anonymous: readonly (readonly string[])[];
  /** Syntax problems (unbalanced braces, empty terms, dangling operators). */
  readonly errors: readonly string[];
}

/** An ACL condition's words: blanks separate, quotes group (their content literal). */
const CONDITION_WORDS: WordSyntax = { blank: /\s/, quotes: { "'": 'literal', '"': 'literal' } };

/** Splits an `if`/`unless` condition into the named and anonymous ACLs it uses. */
export function parseCondition(condition: string): ConditionRefs {
  const aclNames: string[] = [];
  const anonymous: string[][] = [];
  const errors: string[] = [];
  let block: string[] | undefined;
  let expectTerm = true;
  for (const w of splitWords(condition, CONDITION_WORDS).words) {
    if (block) {
      if (w === '}') {
        if (block.length === 0) errors.push('empty anonymous ACL "{ }"');
        anonymous.push(block);
        block = undefined;
        expectTerm = false;
      } else block.push(w);
      continue;
    }
    if (w === '||' || w === 'or') {
      if (expectTerm) errors.push(`"${w}" without a term before it`);
      expectTerm = true;
      continue;
    }
    if (w === '{') {
      block = [];
      continue;
    }
    if (w.startsWith('{') || w.endsWith('}')) {
      errors.push(`braces of an anonymous ACL must stand alone, separated by blanks: "${w}"`);
      continue;
    }
    const name = w.replace(/^!+/, '');
    if (name === '') errors.push('"!" without an ACL name');
    else aclNames.push(name);
    expectTerm = false;
  }
  if (block) errors.push('unclosed "{" in condition');
  if (expectTerm && (aclNames.length > 0 || anonymous.length > 0)) errors.push('condition ends with an operator');
  return { aclNames, anonymous, errors };
}

/** Userlists named by `http_auth(<list>)` / `http_auth_group(<list>)` fetches in a piece of ACL text. */
export function userlistsIn(text: string): string[] {
  return [...text.matchAll(/\bhttp_auth(?:_group)?\(([^,)\s]+)/g)].map((m) => m[1] ?? '');
}
