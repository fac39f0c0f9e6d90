import { splitWords } from '@chatops/core';
import { describe, expect, it } from 'vitest';

describe('splitWords', () => {
  const systemd = { blank: /[ \t]/, quotes: { '"': 'escapes', "'": 'literal' } } as const;
  const haproxy = { blank: /[ \t]/, quotes: { "'": 'literal', '"': 'escapes' }, backslash: true, comment: '#' } as const;

  it('splits on blanks, groups quoted text and keeps an empty quoted word', () => {
    expect(splitWords(`/bin/echo  "a b" 'c\\d' "" x"y"z`, systemd)).toEqual({
      words: ['/bin/echo', 'a b', 'c\\d', '', 'xyz'],
      unterminated: false,
    });
    expect(splitWords(String.raw`"say \"hi\"" a\b`, systemd).words).toEqual(['say "hi"', 'a\\b']);
  });

  it('escapes outside quotes and ends at a comment only where a word would start', () => {
    expect(splitWords(String.raw`acl a\ b path#x # comment`, haproxy).words).toEqual(['acl', 'a b', 'path#x']);
  });

  it('reports a quote left open instead of deciding for the caller', () => {
    expect(splitWords(`a "b c`, systemd)).toEqual({ words: ['a', 'b c'], unterminated: true });
  });
});
