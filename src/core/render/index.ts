/**
 * herald's rendering core: template markup with value tokens → a platform-free Doc → each
 * platform's messages. Pure functions, no I/O.
 *
 *   parseStatement(source, values): Doc        markup → Doc; throws HeraldError('invalid_input')
 *                                               naming unbalanced markup (with its line) or an
 *                                               invisible character in a value or the template
 *   docToPlainText(doc): string                 no markup; links as "text (url)"
 *   toDiscord(doc, { limit = 2000 }): string[]  Markdown, all text escaped, mentions neutralised;
 *                                               counted in code points (as Discord's API counts)
 *   toTelegram(doc, { limit = 4096 }): TelegramPart[]
 *                                               text + entities; offsets and limit in UTF-16 units
 *   toXThread(doc, { limit = 280 }): string[]   plain text, twitter-text weighted length; a
 *                                               thread ends each post with "\n1/3"
 *   xWeightedLength(text): number               parseTweet(text).weightedLength
 *   findLinks(doc) / checkLinks(doc, domains)   the link guard
 *   findForbiddenCharacter(value)               first invisible/bidi/control character, or null
 *
 * Every renderer splits at paragraphs, then sentences (or line breaks), then words, then
 * grapheme clusters; formatting cut by a split is closed and reopened; URLs are never cut.
 */
export type { Block, Doc, LimitOptions, Span, TelegramEntity, TelegramPart } from './types';
export { TOKEN_CLOSE, TOKEN_OPEN, valueToken } from './tokens';
export { parseStatement } from './parse';
export { docToPlainText } from './plain';
export { DISCORD_LIMIT, discordLength, toDiscord } from './discord';
export { TELEGRAM_LIMIT, toTelegram } from './telegram';
export { X_LIMIT, toXThread, xWeightedLength } from './x';
export { checkLinks, findLinks, findTextLinks } from './links';
export { isOfficial } from './official';
export { findForbiddenCharacter, isBlankLooking, type ForbiddenCharacter } from './chars';
