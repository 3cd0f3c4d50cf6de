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

/** Drawn as nothing (U+2800, Hangul fillers) rather than invisible by definition. */
export const isBlankLooking = (cp: number) => BLANK.has(cp);

/** Variation selectors and tag characters by their Unicode names. */
function sequenceName(cp: number): string | null {
  if (cp >= 0xfe00 && cp <= 0xfe0f) return `VARIATION SELECTOR-${cp - 0xfe00 + 1}`;
  if (cp >= 0xe0100 && cp <= 0xe01ef) return `VARIATION SELECTOR-${cp - 0xe0100 + 17}`;
  if (cp === CANCEL_TAG) return 'CANCEL TAG';
  if (cp >= 0xe0020 && cp < CANCEL_TAG) return `TAG ${JSON.stringify(String.fromCodePoint(cp - 0xe0000))}`;
  return null;
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
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x2800: 'BRAILLE PATTERN BLANK',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
  0xfffc: 'OBJECT REPLACEMENT CHARACTER',
  0x1d159: 'MUSICAL SYMBOL NULL NOTEHEAD',
};

/** Visible characters by category that draw nothing: a value made of them looks empty or hides a gap. */
const BLANK = new Set([0x115f, 0x1160, 0x2028, 0x2029, 0x2800, 0x3164, 0xffa0, 0x1d159, 0x17b4, 0x17b5]);

const CONTROL = /\p{Cc}/u;
const FORMAT = /\p{Cf}/u;
const PRIVATE = /\p{Co}/u;
const SURROGATE = /\p{Cs}/u;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const MODIFIER = /\p{Emoji_Modifier}/u;
const EMOJI = /\p{Emoji}/u;
const IDEOGRAPH = /\p{Ideographic}/u;
/** Standardized variation sequences (VS1–VS14) exist for math symbols, CJK and Myanmar, little else. */
const TAKES_STANDARD_VS = /[\p{Ideographic}\p{Sm}\p{Script=Myanmar}\p{Script=Mongolian}]/u;
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
  if (BLANK.has(cp)) return 'blank-looking character';
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
    return { codePoint: cp, index: i, name: NAMES[cp] ?? sequenceName(cp) ?? kind };
  }
  return null;
}

/**
 * Emoji need a few invisible characters: ZWJ between two emoji (👨‍👩‍👧), a variation selector
 * after a character that has variants (❤️, 葛󠄀), and tag characters in subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
 * Anywhere else they are a place to hide text.
 */
function allowedInSequence(cps: number[], i: number): boolean {
  const cp = cps[i]!;
  const prev = cps[i - 1];
  if (cp === ZWJ) return emojiEndsAt(cps, i - 1) && isPictographic(cps[i + 1]);
  if (isVariationSelector(cp)) {
    if (prev === undefined || isVariationSelector(prev)) return false;
    const p = String.fromCodePoint(prev);
    if (cp === 0xfe0e || cp === 0xfe0f) return EMOJI.test(p);
    if (cp >= 0xe0100) return IDEOGRAPH.test(p);
    return TAKES_STANDARD_VS.test(p);
  }
  if (isTag(cp)) return inSubdivisionFlag(cps, i);
  return false;
}

/**
 * A subdivision flag is 🏴, a region's two letters and one to four letters or digits of the
 * subdivision (gb-sct, us-ca), written as tag characters, then CANCEL TAG: at most six tags.
 */
function inSubdivisionFlag(cps: number[], i: number): boolean {
  let start = i;
  while (start > 0 && isTag(cps[start - 1]!) && cps[start - 1] !== CANCEL_TAG) start--;
  if (cps[start - 1] !== BLACK_FLAG) return false;
  let end = start;
  while (end < cps.length && isTag(cps[end]!) && cps[end] !== CANCEL_TAG) end++;
  if (cps[end] !== CANCEL_TAG || i > end) return false;
  const body = String.fromCodePoint(...cps.slice(start, end).map((c) => c - 0xe0000));
  return /^[a-z]{2}[a-z0-9]{1,4}$/u.test(body);
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
