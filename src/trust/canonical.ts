/**
 * The text herald signs, and the text a member pastes, are both brought to one canonical form
 * first, so that a copy from Discord, Telegram or X verifies although the clipboard changed what
 * does not change the statement:
 * - Unicode NFC (a composed é and an e with a combining accent are one letter);
 * - line endings LF (CRLF, CR, U+2028/U+2029 become LF);
 * - zero-width characters removed (Discord's mention guard inserts U+200B; clipboards add U+FEFF);
 * - non-breaking and other Unicode spaces become a plain space;
 * - trailing spaces at the end of each line and blank lines at either end removed, and a run of
 *   blank lines read as one (apps copy paragraph breaks with one or two);
 * - a first line that is only `@everyone` or `@here` removed: the Discord publisher puts the ping
 *   before the statement's text, and a ping is not part of what the statement says.
 * Everything else is significant: one letter, digit, address or link changed fails.
 */
export function canonicalText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?|[\u2028\u2029]/gu, '\n')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/gu, '')
    .replace(/[^\S\n]/gu, (c) => (c === '\t' ? c : ' '))
    .replace(/[ \t]+$/gmu, '')
    .replace(/\n{3,}/gu, '\n\n')
    .trim()
    .replace(/^@(?:everyone|here)\n+/u, '');
}

const URL_RE = /https?:\/\/[^\s<>()]+/gu;
const LINE_MARKUP = /^(?:#{1,3} |-# |>>> |> )/gmu;

/**
 * A Discord message as a member sees it once Discord has rendered its Markdown, which is what
 * their clipboard holds: a masked link reads as its text, `**bold**` as bold, `\*` as `*`.
 * herald escapes every character of a value, so only the template's own markup is removed;
 * URLs are kept as they are (herald never escapes inside one).
 */
export function discordShown(markdown: string): string {
  const urls: string[] = [];
  const kept = markdown
    .replace(/\[((?:\\.|[^\]\\])*)\]\(<?([^)>]*)>?\)/gu, (_m, label: string) => label)
    .replace(URL_RE, (url) => `\u0000${urls.push(url) - 1}\u0000`)
    .replace(LINE_MARKUP, '');
  let out = '';
  for (let i = 0; i < kept.length; i++) {
    const c = kept[i]!;
    if (c === '\\' && i + 1 < kept.length && /[\p{P}\p{S}]/u.test(kept[i + 1]!)) out += kept[++i];
    else if (!'*_~|`'.includes(c)) out += c;
  }
  return out.replace(/\u0000(\d+)\u0000/gu, (_m, n: string) => urls[Number(n)]!);
}
