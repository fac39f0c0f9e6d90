/** Shell functions shared by the rendered scripts: read a one-line secret file, JSON/curl-config escape a value. */
export const SHELL_HELPERS = [
  'read_secret() {',
  '  v=$(cat "$1") || { echo "cannot read secret file $1" >&2; exit 1; }',
  '  case "$v" in *\'',
  '\'*) echo "secret file $1 spans several lines" >&2; exit 1 ;; esac',
  '  printf \'%s\' "$v"',
  '}',
  '# Escapes \\ and " (valid inside a JSON string and a curl config quoted string).',
  'escape() {',
  '  printf \'%s\' "$1" | sed \'s/\\\\/\\\\\\\\/g; s/"/\\\\"/g\'',
  '}',
];
