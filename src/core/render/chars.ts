/**
 * Invisible and direction-changing characters let a value look like one thing and be another
 * (a reversed URL, a hidden word, an "empty" name). They are refused, not stripped, so the
 * drafter sees what was wrong.
 */

export interface ForbiddenCharacter {
  codePoint: number;
  /** 0-based position counted in code points (`[...value][index]` is the character). */
  index: number;
  /** Unicode name for the usual suspects, else a description of its kind. */
  name: string;
}

const NAMES: Record<number, string> = {
  0x00: 'NULL',
  0x07: 'BELL',
  0x08: 'BACKSPACE',
  0x0b: 'LINE TABULATION',
  0x0c: 'FORM FEED',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0xad: 'SOFT HYPHEN',
  0x34f: 'COMBINING GRAPHEME JOINER',
  0x61c: 'ARABIC LETTER MARK',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
  0xfffc: 'OBJECT REPLACEMENT CHARACTER',
};

const CONTROL = /\p{Cc}/u;
const FORMAT = /\p{Cf}/u;
const PRIVATE = /\p{Co}/u;
const SURROGATE = /\p{Cs}/u;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const MODIFIER = /\p{Emoji_Modifier}/u;
const WHITESPACE = /\s/u;

const ZWJ = 0x200d;
const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;

const isVariationSelector = (cp: number) =>
  (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
const isTag = (cp: number) => cp >= 0xe0020 && cp <= 0xe007f;
const isNonCharacter = (cp: number) => (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;

function kindOf(cp: number, ch: string): string | null {
  if (cp === 0x0a || cp === 0x09 || cp === 0x0d) return null; // line breaks become spaces later
  if (CONTROL.test(ch)) return 'control character';
  if (SURROGATE.test(ch)) return 'lone surrogate';
  if (PRIVATE.test(ch)) return 'private-use character';
  if (isNonCharacter(cp)) return 'noncharacter';
  if (FORMAT.test(ch)) return 'invisible formatting character';
  if (IGNORABLE.test(ch)) return 'invisible character';
  return null;
}

export function findForbiddenCharacter(value: string): ForbiddenCharacter | null {
  const cps = Array.from(value, (c) => c.codePointAt(0)!);
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!;
    const kind = kindOf(cp, String.fromCodePoint(cp));
    if (!kind || allowedInSequence(cps, i)) continue;
    return { codePoint: cp, index: i, name: NAMES[cp] ?? kind };
  }
  return null;
}

/**
 * Emoji need a few invisible characters: ZWJ between two emoji (👨‍👩‍👧), a variation selector
 * after a visible character (❤️), and tag characters in subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
 */
function allowedInSequence(cps: number[], i: number): boolean {
  const cp = cps[i]!;
  const prev = cps[i - 1];
  if (cp === ZWJ) return emojiEndsAt(cps, i - 1) && isPictographic(cps[i + 1]);
  if (isVariationSelector(cp)) {
    if (prev === undefined) return false;
    const p = String.fromCodePoint(prev);
    return !WHITESPACE.test(p) && kindOf(prev, p) === null;
  }
  if (isTag(cp)) {
    if (prev === undefined || (prev !== BLACK_FLAG && !(isTag(prev) && prev !== CANCEL_TAG))) return false;
    if (cp === CANCEL_TAG) return prev !== BLACK_FLAG;
    for (let j = i + 1; j < cps.length; j++) {
      if (cps[j] === CANCEL_TAG) return true;
      if (!isTag(cps[j]!)) return false;
    }
    return false;
  }
  return false;
}

function isPictographic(cp: number | undefined): boolean {
  return cp !== undefined && PICTOGRAPHIC.test(String.fromCodePoint(cp));
}

/** True when an emoji (with its optional VS16 / skin-tone modifier) ends at index i. */
function emojiEndsAt(cps: number[], i: number): boolean {
  let j = i;
  while (j >= 0) {
    const cp = cps[j]!;
    if (cp === 0xfe0f || MODIFIER.test(String.fromCodePoint(cp))) j--;
    else break;
  }
  return j >= 0 && isPictographic(cps[j]);
}
