import { describe, expect, it } from 'vitest';
import { wordDiff, type DiffPart } from './word-diff';

const side = (parts: DiffPart[], kind: 'removed' | 'added') =>
  parts
    .filter((p) => p.kind === 'same' || p.kind === kind)
    .map((p) => p.text)
    .join('');

describe('wordDiff', () => {
  it('marks the words only one side has', () => {
    expect(wordDiff('Ship the signup flow today', 'Ship the new signup flow tomorrow')).toEqual([
      { kind: 'same', text: 'Ship the ' },
      { kind: 'added', text: 'new ' },
      { kind: 'same', text: 'signup flow ' },
      { kind: 'removed', text: 'today' },
      { kind: 'added', text: 'tomorrow' },
    ]);
  });

  it('handles empty texts and equal texts', () => {
    expect(wordDiff('', '')).toEqual([]);
    expect(wordDiff('', 'all new')).toEqual([{ kind: 'added', text: 'all new' }]);
    expect(wordDiff('all gone', '')).toEqual([{ kind: 'removed', text: 'all gone' }]);
    expect(wordDiff('same text\nhere', 'same text\nhere')).toEqual([{ kind: 'same', text: 'same text\nhere' }]);
  });

  it('gives back each text exactly from its side, whitespace and line breaks included', () => {
    const cases: Array<[string, string]> = [
      ['a b c d e', 'a x c y e'],
      ['Line one\n\nLine  two', 'Line one\nLine two\n'],
      ['the the the', 'the'],
      ['Document the API (REST)', 'Document the public API and (REST) examples'],
    ];
    for (const [a, b] of cases) {
      const parts = wordDiff(a, b);
      expect(side(parts, 'removed')).toBe(a);
      expect(side(parts, 'added')).toBe(b);
    }
  });

  it('keeps the change small: common words stay common', () => {
    const parts = wordDiff('one two three four five', 'one two THREE four five');
    expect(parts.filter((p) => p.kind !== 'same').map((p) => p.text)).toEqual(['three', 'THREE']);
  });

  it('stays fast on long texts (a big middle is shown whole)', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ');
    const b = Array.from({ length: 5000 }, (_, i) => `v${i}`).join(' ');
    const started = Date.now();
    const parts = wordDiff(`start ${a} end`, `start ${b} end`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(side(parts, 'removed')).toBe(`start ${a} end`);
    expect(side(parts, 'added')).toBe(`start ${b} end`);
  });
});
