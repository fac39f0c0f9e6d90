import { parseConfig, parse } from '../src/parse.ts';
import { print } from '../src/print.ts';
const t = `# hi
input {
  beats { port => 5044 ssl_enabled => true codec => json { charset => "UTF-8" } }
}
filter {
  if [service][name] == "chatops" and [a] in ["x", "y"] {
    grok { match => { "message" => '\\[%{TIMESTAMP_ISO8601:timestamp}\\] "x"' } }
  } else if [x] =~ /a\\/b/ or ![y] { mutate { add_tag => [foo, "bar", 1.5] } }
  else { drop {} }
}
output { stdout { codec => rubydebug } }
`;
const c = parse(t, { file: 'x.conf' });
const out = print(c);
console.log(out);
console.log(JSON.stringify(parse(out)) === JSON.stringify(c));
for (const bad of ['input { beats { port => 5044, ssl => true } }\n', 'filter { if [a] == foo { } }\n', 'input {} # c', 'filter { mutate { x => { a => 1 a => 2 } } }', 'filter { if "x" {} }', 'filter { if [a] xor [b] and [c] {} }', 'filter { "grok" {} }', 'input { x { a => "abc } }', 'filter { if foo([a]) {} }']) {
  console.log(JSON.stringify(bad), parseConfig(bad, { file: 'b.conf' }).diagnostics);
}
