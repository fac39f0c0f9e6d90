import { argsFlags, parseArgsVariable, parseEnvFile } from '@chatops/core';
import { describe, expect, it } from 'vitest';

describe('EnvironmentFile reading (one reader for ours and Debian’s)', () => {
  it('reads comments, plain, double-quoted and single-quoted values as systemd does', () => {
    const text = [
      '# Debian style',
      '; also a comment',
      'ARGS="--config.file /etc/prometheus/blackbox.yml"',
      'LITERAL=\'a \\"b\\" $c\'',
      'ESCAPED="a \\"b\\" \\\\ c"',
      'PLAIN=x y',
      'EMPTY=""',
    ].join('\n');
    expect(parseEnvFile(text)).toEqual({
      ARGS: '--config.file /etc/prometheus/blackbox.yml',
      LITERAL: 'a \\"b\\" $c',
      ESCAPED: 'a "b" \\ c',
      PLAIN: 'x y',
      EMPTY: '',
    });
    expect(() => parseEnvFile('not a line')).toThrow(/not an environment-file line/);
  });

  it('splits $ARGS at white space and reads --name=value flags, the last one winning', () => {
    const words = parseArgsVariable(' --web.listen-address=10.0.0.1:9090\t--a=1  --a=2 positional -b=x ');
    expect(words).toEqual(['--web.listen-address=10.0.0.1:9090', '--a=1', '--a=2', 'positional', '-b=x']);
    expect(argsFlags(words)).toEqual({ 'web.listen-address': '10.0.0.1:9090', a: '2', b: 'x' });
  });
});
