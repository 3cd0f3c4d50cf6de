import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { drafts } from '../../src/store/schema';
import { privateTexts, slash, startDiscord } from '../platforms/discord/setup';
import { startWorld } from '../platforms/telegram/world';
import { answer, nothingPosted, refused, SEV3, worldPool } from './telegram';

// Hostile inputs, family 3: characters that hide text or look blank, typed into a value in the
// Telegram comms group. Each refusal names the code point, its position and the variable.

const tags = (s: string) => [...s].map((c) => String.fromCodePoint(0xe0000 + c.codePointAt(0)!)).join('');
const CANCEL = String.fromCodePoint(0xe007f);
const FLAG = '\u{1F3F4}';

const invisible = (hex: string, name: string, position: number) =>
  `The value of \`impact\` contains an invisible or direction-changing character (U+${hex} ${name}) at position ${position}; retype it without that character.`;
const blank = (hex: string, name: string, position: number) =>
  `The value of \`impact\` contains a blank-looking character (U+${hex} ${name}) at position ${position}; retype it without that character.`;

const CASES: Array<[string, string, string]> = [
  ['tag characters after a flag hiding a sentence', `Safe ${FLAG}${tags('send funds to me')}${CANCEL}`, invisible('E0073', 'TAG "s"', 7)],
  ['tag characters with no flag before them', `Safe${tags('gbsct')}${CANCEL}`, invisible('E0067', 'TAG "g"', 5)],
  ['a flag’s tags with no CANCEL TAG', `Safe ${FLAG}${tags('gbsct')} now`, invisible('E0067', 'TAG "g"', 7)],
  ['a lone CANCEL TAG', `Safe${CANCEL} now`, invisible('E007F', 'CANCEL TAG', 5)],
  ['a flag’s tags spelling more than a subdivision', `Safe ${FLAG}${tags('gbsctland')}${CANCEL}`, invisible('E0067', 'TAG "g"', 7)],
  ['a variation selector after each letter', 'R\uFE0Fe\uFE0Ff\uFE0Fu\uFE0Fn\uFE0Fd', invisible('FE0F', 'VARIATION SELECTOR-16', 2)],
  ['VS-1 after a Latin letter', 'Ref\uFE00und', invisible('FE00', 'VARIATION SELECTOR-1', 4)],
  ['two variation selectors after one emoji', 'Ok \u2764\uFE0F\uFE0F', invisible('FE0F', 'VARIATION SELECTOR-16', 6)],
  ['an ideographic variation selector after a Latin letter', 'Ref\u{E0100}und', invisible('E0100', 'VARIATION SELECTOR-17', 4)],
  ['a variation selector at the start', '\uFE0FRefund', invisible('FE0F', 'VARIATION SELECTOR-16', 1)],
  ['U+2800 BRAILLE PATTERN BLANK', 'Funds\u2800are safe', blank('2800', 'BRAILLE PATTERN BLANK', 6)],
  ['U+3164 HANGUL FILLER', 'Funds\u3164are safe', blank('3164', 'HANGUL FILLER', 6)],
  ['U+115F HANGUL CHOSEONG FILLER', 'Funds\u115Fare safe', blank('115F', 'HANGUL CHOSEONG FILLER', 6)],
  ['U+1160 HANGUL JUNGSEONG FILLER', 'Funds\u1160are safe', blank('1160', 'HANGUL JUNGSEONG FILLER', 6)],
  ['U+FFA0 HALFWIDTH HANGUL FILLER', 'Funds\uFFA0are safe', blank('FFA0', 'HALFWIDTH HANGUL FILLER', 6)],
  ['U+1D159 MUSICAL SYMBOL NULL NOTEHEAD', 'Funds\u{1D159}are safe', blank('1D159', 'MUSICAL SYMBOL NULL NOTEHEAD', 6)],
  ['U+17B5 KHMER VOWEL INHERENT AA', 'Funds\u17B5are safe', blank('17B5', 'blank-looking character', 6)],
  ['U+200B ZERO WIDTH SPACE', 'Funds\u200Bare safe', invisible('200B', 'ZERO WIDTH SPACE', 6)],
  ['U+2066 LEFT-TO-RIGHT ISOLATE', 'Funds \u2066safe', invisible('2066', 'LEFT-TO-RIGHT ISOLATE', 7)],
  ['U+00AD SOFT HYPHEN', 'Re\u00ADfund', invisible('00AD', 'SOFT HYPHEN', 3)],
  ['U+FEFF ZERO WIDTH NO-BREAK SPACE', 'Re\uFEFFfund', invisible('FEFF', 'ZERO WIDTH NO-BREAK SPACE', 3)],
  ['U+180E MONGOLIAN VOWEL SEPARATOR', 'Re\u180Efund', invisible('180E', 'MONGOLIAN VOWEL SEPARATOR', 3)],
];

describe('characters: invisible and blank-looking characters are refused by name and place', () => {
  const pool = worldPool();
  afterAll(async () => pool.close());

  it.each(CASES)('%s', async (_what, impact, sentence) => {
    await refused(await pool.get(), 'alice', SEV3(impact), sentence);
  });

  it('a valid subdivision flag, emoji with their selectors and a keycap go through', async () => {
    const w = await startWorld();
    onTestFinished(() => w.close());
    const impact = `Scotland ${FLAG}${tags('gbsct')}${CANCEL}, \u2764\uFE0F, 1\uFE0F\u20E3 and \u{1F468}\u200D\u{1F469}\u200D\u{1F467} are fine.`;
    expect(await answer(w, 'alice', SEV3(impact))).toMatch(/^#1 · sev3\/incident-minor/);
    expect(w.herald.core.db.select().from(drafts).all()).toHaveLength(1);
    nothingPosted(w);
  });
});

// Telegram's server strips U+2028–U+202E from messages (the emulator does as Telegram does);
// Discord passes them through, so these are typed there.
const ON_DISCORD: Array<[string, string, string]> = [
  ['U+202E RIGHT-TO-LEFT OVERRIDE', 'Funds \u202Eefas era', invisible('202E', 'RIGHT-TO-LEFT OVERRIDE', 7)],
  ['U+2028 LINE SEPARATOR', 'Funds\u2028are safe', blank('2028', 'LINE SEPARATOR', 6)],
  ['tag characters after a flag', `Safe ${FLAG}${tags('send funds to me')}${CANCEL}`, invisible('E0073', 'TAG "s"', 7)],
];

describe('characters on Discord', () => {
  it('the characters Telegram strips are refused when Discord delivers them', async () => {
    const s = await startDiscord();
    onTestFinished(() => s.close());
    for (const [what, impact, sentence] of ON_DISCORD) {
      const id = await slash(s, 'alice', 'draft', { template: 'sev3/incident-minor', vars: `affected="the rewards dashboard" impact="${impact}"` });
      expect(privateTexts(s, id), what).toEqual([sentence]);
    }
    expect(s.herald.core.db.select().from(drafts).all()).toEqual([]);
    expect(s.telegram.sent).toEqual([]);
    expect(s.x.sent).toEqual([]);
  });
});
