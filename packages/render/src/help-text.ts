import type { Command, Help, Option } from 'commander';

/** Help is wrapped at this width whatever the terminal: the text is the same everywhere (and snapshot-tested). */
export const HELP_WIDTH = 100;

/** Whether to style output: only on a terminal, never with `NO_COLOR` set (https://no-color.org) or `TERM=dumb`. */
export function colorWanted(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** One example per command, shown in `--help` of the command and in the overview. */
export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  render: [
    'chatops-render prod                      # writes out/prod/<node>/<path> and out/prod/manifest.json',
    'chatops-render prod --check              # CI: render and run the checkers, write nothing',
    'chatops-render prod --diff rendered      # exit 3 and a diff when rendered/prod differs from this render',
    'chatops-render prod --report             # also out/prod/report/index.html (diagrams, tables)',
  ],
  certs: ['chatops-render certs prod --json'],
  schema: ['chatops-render schema > environment.schema.json'],
};

export const EXIT_CODES = `Exit codes:
  0   ok (render --diff: no difference)
  1   a daemon's own checker rejected the rendered config
  2   bad input or usage; errors name file:line: path, e.g.
      error: environments/prod.yaml:10: nodes.lb-1.address: expected an IPv4 address
  3   render --diff: the render differs from the tree (the diff is on stdout)
  70  internal error: a bug (--debug adds the stack trace)`;

export const LOOKUP = `Where environments are found (<env> is environments/<env>.{yaml,yml,toml,json} under a root):
  1. --config <dir>: that directory is the root; --config <file> names the environment file itself
  2. else the directory the nearest package.json declares: "chatops": { "environments": "<dir>" }
  3. else the current directory
  Certificates and keys the render issues are kept in <root>/.pki/<env>/ (keep it out of git).`;

const ENVIRONMENT = `Environment variables:
  CI=true        a daemon checker that is not installed is an error (a warning otherwise)
  NO_COLOR       no styling (output is plain anyway when it is not a terminal)
  CHATOPS_DEBUG  same as --debug`;

/** The overview `chatops-render --help` prints: every command with its arguments, flags and an example. */
export function overview(program: Command, helper: Help, version: string): string {
  const title = (s: string) => helper.styleTitle(s);
  const out: string[] = [
    `chatops-render ${version}: render a ChatOps environment into validated per-node config trees.`,
    '',
    `${title('Usage:')} chatops-render [render] <env> [options]   (render is the default command)`,
    '       chatops-render <command> [options]',
    '       chatops-render <command> --help',
    '',
    title('Commands:'),
  ];
  for (const cmd of program.commands) {
    if (cmd.name() === 'help') continue;
    const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
    out.push(`  ${[cmd.name(), args].filter(Boolean).join(' ')}`);
    const description = cmd.description();
    out.push(...wrap(description.charAt(0).toUpperCase() + description.slice(1), 6));
    for (const line of optionLines(cmd.options as readonly Option[], 6)) out.push(line);
    for (const example of EXAMPLES[cmd.name()] ?? []) out.push(`      $ ${example}`);
    out.push('');
  }
  out.push(title('Options:'));
  const help = { flags: '-h, --help', description: 'this overview; chatops-render <command> --help for one command' };
  out.push(...optionLines([...(program.options as readonly Option[]), help], 2));
  out.push('');
  out.push(EXIT_CODES, '', LOOKUP, '', ENVIRONMENT, '');
  out.push('Deploying the rendered files over SSH is @chatops/deploy: chatops-deploy --help.');
  out.push('');
  return out
    .join('\n')
    .split('\n')
    .map((l) => (HEADING.test(l) ? title(l) : l))
    .join('\n');
}

const HEADING = /^(Options|Exit codes|Environment variables|Where environments are found)\b/;

/** What `<command> --help` adds after commander's usage and options. */
export function afterCommandHelp(name: string, title: (heading: string) => string): string {
  const examples = (EXAMPLES[name] ?? []).map((e) => `  $ ${e}`);
  const parts = examples.length > 0 ? [`Examples:\n${examples.join('\n')}`] : [];
  if (name !== 'schema') parts.push(LOOKUP);
  parts.push(EXIT_CODES);
  return `\n${parts.map((p) => p.replace(/^[^\n]*/, (h) => title(h))).join('\n\n')}\n`;
}

type OptionLike = Pick<Option, 'flags' | 'description'> & Partial<Pick<Option, 'defaultValue' | 'hidden'>>;

function optionLines(options: readonly OptionLike[], indent: number): string[] {
  const visible = options.filter((o) => !o.hidden);
  const width = Math.max(20, ...visible.map((o) => o.flags.length + 2));
  return visible.flatMap((o) => {
    const fallback = o.defaultValue === undefined ? '' : ` (default: ${JSON.stringify(o.defaultValue)})`;
    const text = `${o.description}${fallback}`;
    const [first = '', ...rest] = wrap(text, 0, HELP_WIDTH - indent - width);
    return [`${' '.repeat(indent)}${o.flags.padEnd(width)}${first}`, ...rest.map((l) => `${' '.repeat(indent + width)}${l}`)];
  });
}

function wrap(text: string, indent: number, width = HELP_WIDTH - indent): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${' '.repeat(indent)}${l}`);
}
