import type { PromqlLabels } from '@chatops/prometheus-common';

/** Functions Prometheus 2.42 offers in alert templates (template/template.go) plus Go's text/template built-ins. */
export const TEMPLATE_FUNCTIONS: readonly string[] = [
  // Prometheus
  'args',
  'externalURL',
  'first',
  'graphLink',
  'humanize',
  'humanize1024',
  'humanizeDuration',
  'humanizePercentage',
  'humanizeTimestamp',
  'label',
  'match',
  'parseDuration',
  'pathPrefix',
  'query',
  'reReplaceAll',
  'safeHtml',
  'sortByLabel',
  'stripPort',
  'strvalue',
  'tableLink',
  'title',
  'toLower',
  'toUpper',
  'value',
  // text/template
  'and',
  'call',
  'eq',
  'ge',
  'gt',
  'html',
  'index',
  'js',
  'le',
  'len',
  'lt',
  'ne',
  'not',
  'or',
  'print',
  'printf',
  'println',
  'slice',
  'urlquery',
];

/** Variables Prometheus defines for alert label and annotation templates. */
export const TEMPLATE_VARIABLES: readonly string[] = ['$', '$labels', '$value', '$externalLabels', '$externalURL'];

const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
  'nil',
  'true',
  'false',
]);
const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

export interface TemplateCheckOptions {
  /** Labels the rule's expression can produce; `$labels.x` must be one of them when the set is closed. */
  readonly labels?: PromqlLabels;
}

interface Token {
  readonly kind: 'word' | 'var' | 'field' | 'string' | 'number' | 'punct';
  readonly text: string;
}

const TOKEN =
  /\s*(?:("(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)+')|(\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|(\.[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|\.)|([+-]?\d[\w.+-]*)|([A-Za-z_][A-Za-z0-9_]*)|(:=|=|\||\(|\)|,))/y;

function tokenize(action: string): Token[] | string {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < action.length) {
    if (/^\s*$/.test(action.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(action);
    if (!m) return `unexpected "${action.slice(start).trim().slice(0, 10)}"`;
    if (m[1]) tokens.push({ kind: 'string', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'var', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'field', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'number', text: m[4] });
    else if (m[5]) tokens.push({ kind: 'word', text: m[5] });
    else if (m[6]) tokens.push({ kind: 'punct', text: m[6] });
  }
  return tokens;
}

/**
 * Checks an alert label or annotation template (Go text/template as Prometheus runs it): balanced `{{ }}` and
 * `if`/`range`/`with` ... `end` blocks, known functions and variables, and, where the expression's labels are
 * known exactly, that `{{ $labels.x }}` (or `.Labels.x`, `index $labels "x"`) names a label the alert has.
 * Returns the problems as messages; an empty array means the template is fine.
 */
export function checkAlertTemplate(template: string, options: TemplateCheckOptions = {}): string[] {
  const problems: string[] = [];
  const declared = new Set(TEMPLATE_VARIABLES);
  const blocks: string[] = [];
  const labelRef = (name: string) => {
    const labels = options.labels;
    if (labels && !labels.open && !labels.names.includes(name)) {
      const have = labels.names.length > 0 ? labels.names.join(', ') : 'none';
      problems.push(`template refers to label "${name}", which the expression's result does not have (it has: ${have})`);
    }
  };
  let pos = 0;
  while (pos < template.length) {
    const open = template.indexOf('{{', pos);
    if (open < 0) break;
    const close = template.indexOf('}}', open + 2);
    if (close < 0) {
      problems.push(`unclosed action "{{" at offset ${open}`);
      break;
    }
    pos = close + 2;
    let body = template.slice(open + 2, close);
    if (body.startsWith('- ')) body = body.slice(2);
    if (body.endsWith(' -')) body = body.slice(0, -2);
    if (/^\s*\/\*[\s\S]*\*\/\s*$/.test(body)) continue;
    const tokens = tokenize(body);
    if (typeof tokens === 'string') {
      problems.push(`in {{${template.slice(open + 2, close)}}}: ${tokens}`);
      continue;
    }
    const first = tokens[0];
    if (!first) {
      problems.push('empty action "{{ }}"');
      continue;
    }
    if (first.kind === 'word' && OPENERS.has(first.text)) blocks.push(first.text);
    if (first.kind === 'word' && first.text === 'else' && !['if', 'range', 'with'].includes(blocks[blocks.length - 1] ?? '')) {
      problems.push('{{ else }} outside of an if, range or with block');
    }
    if (first.kind === 'word' && first.text === 'end') {
      if (blocks.length === 0) problems.push('{{ end }} without a matching if, range, with or define');
      else blocks.pop();
    }
    tokens.forEach((t, i) => {
      const next = tokens[i + 1];
      if (t.kind === 'var') {
        const [variable = '$', ...fields] = t.text.split('.');
        if (next?.kind === 'punct' && (next.text === ':=' || next.text === '=') && fields.length === 0) {
          declared.add(variable);
          return;
        }
        if (!declared.has(variable)) problems.push(`undefined template variable "${variable}"`);
        if (variable === '$labels' && fields[0]) labelRef(fields[0]);
        if (variable === '$' && fields[0] === 'Labels' && fields[1]) labelRef(fields[1]);
      } else if (t.kind === 'field') {
        const fields = t.text.split('.').slice(1);
        if (fields[0] === 'Labels' && fields[1]) labelRef(fields[1]);
        else if (fields[0] && !['Labels', 'Value', 'ExternalLabels', 'ExternalURL'].includes(fields[0])) {
          problems.push(`unknown template field ".${fields[0]}" (alert templates have .Labels, .Value, .ExternalLabels and .ExternalURL)`);
        }
      } else if (t.kind === 'word') {
        if (KEYWORDS.has(t.text)) return;
        if (!TEMPLATE_FUNCTIONS.includes(t.text)) problems.push(`unknown template function "${t.text}"`);
        const target = tokens[i + 1];
        const key = tokens[i + 2];
        if (
          t.text === 'index' &&
          target?.kind === 'var' &&
          (target.text === '$labels' || target.text === '$.Labels') &&
          key?.kind === 'string'
        ) {
          labelRef(key.text.slice(1, -1));
        }
      }
    });
  }
  for (const b of blocks.reverse()) problems.push(`{{ ${b} }} is never closed with {{ end }}`);
  return problems;
}
