import { describe, expect, it } from 'vitest';
import { findForbiddenCharacter } from '../../../src/core/render';

describe('findForbiddenCharacter', () => {
  it('refuses bidi overrides, zero-width and control characters, saying which and where', () => {
    expect(findForbiddenCharacter('pool\u202Eevil')).toEqual({ codePoint: 0x202e, index: 4, name: 'RIGHT-TO-LEFT OVERRIDE' });
    expect(findForbiddenCharacter('a\u200Bb')).toEqual({ codePoint: 0x200b, index: 1, name: 'ZERO WIDTH SPACE' });
    expect(findForbiddenCharacter('\uFEFFx')).toEqual({ codePoint: 0xfeff, index: 0, name: 'ZERO WIDTH NO-BREAK SPACE' });
    expect(findForbiddenCharacter('ding\u0007')).toEqual({ codePoint: 7, index: 4, name: 'BELL' });
  });

  it('counts the position in characters, so emoji before the offender count once', () => {
    expect(findForbiddenCharacter('🚨🚨\u2066x')).toMatchObject({ codePoint: 0x2066, index: 2 });
  });

  it('refuses private-use characters (herald’s own value markers among them) and invisible fillers', () => {
    expect(findForbiddenCharacter('\uE000' + '0\uE001')).toMatchObject({ codePoint: 0xe000, name: 'private-use character' });
    expect(findForbiddenCharacter('\u3164')).toMatchObject({ name: 'HANGUL FILLER' });
    expect(findForbiddenCharacter('\uFE0F')).toMatchObject({ codePoint: 0xfe0f });
  });

  it('allows emoji sequences: ZWJ families, variation selectors, skin tones, subdivision flags', () => {
    for (const ok of ['👨‍👩‍👧 family', '❤️‍🔥', '🏳️‍🌈', '👩🏽‍💻', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'tabs\tand\nnewlines', 'café 日本 العربية'])
      expect(findForbiddenCharacter(ok), ok).toBeNull();
  });

  it('refuses a ZWJ that does not join two emoji', () => {
    expect(findForbiddenCharacter('a\u200Db')).toMatchObject({ codePoint: 0x200d, index: 1, name: 'ZERO WIDTH JOINER' });
    expect(findForbiddenCharacter('👨\u200D')).toMatchObject({ codePoint: 0x200d, index: 1 });
  });
});
