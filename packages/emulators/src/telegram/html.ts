import { badRequest } from './errors';
import { sortEntities } from './text';
import type { MessageEntity, User } from './types';

/**
 * Telegram's parse_mode=HTML, reproduced from the behaviour of tdlib's parser:
 * only a fixed set of tags, four named character references plus numeric ones,
 * attributes only where they mean something, and error texts that name the UTF-8
 * byte offset of the offending tag. It works on bytes for that reason; entity
 * offsets are counted in UTF-16 code units, as the Bot API reports them.
 */

const SUPPORTED_TAGS = new Set([
  'a', 'b', 'strong', 'i', 'em', 's', 'strike', 'del', 'u', 'ins',
  'tg-spoiler', 'tg-emoji', 'span', 'pre', 'code', 'blockquote',
]);

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const EQ = 0x3d;

/** tdlib treats NUL (the end of its C string) as space, which is what ends every scan. */
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0;
const isAlnum = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isFirstUtf8Unit = (c: number) => (c & 0xc0) !== 0x80;

class HtmlError extends Error {}

function decodeEntity(src: Buffer, pos: number): { code: number; end: number } | null {
  const at = (i: number) => (i < src.length ? src[i]! : 0);
  let end = pos + 1;
  let code = 0;
  if (at(pos + 1) === 0x23 /* # */) {
    end++;
    if (at(pos + 2) === 0x78 /* x */) {
      end++;
      while (/[0-9a-fA-F]/.test(String.fromCharCode(at(end)))) {
        code = code * 16 + parseInt(String.fromCharCode(at(end++)), 16);
      }
    } else {
      while (at(end) >= 0x30 && at(end) <= 0x39) code = code * 10 + (at(end++) - 0x30);
    }
    if (code === 0 || code >= 0x10ffff || end - pos >= 10) return null;
  } else {
    while (isAlpha(at(end))) end++;
    const name = src.subarray(pos + 1, end).toString('latin1');
    const named: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
    const value = named[name];
    if (value === undefined) return null;
    code = value;
  }
  if (at(end) === 0x3b /* ; */) end++;
  return { code, end };
}

interface OpenTag {
  tag: string;
  argument: string;
  expandable: boolean;
  offset: number;
  outBegin: number;
}

function linkEntity(url: string, offset: number, length: number, users: Map<number, User>): MessageEntity | null {
  const mention = /^tg:\/\/user\?id=(\d+)$/i.exec(url.trim());
  if (mention) {
    const id = Number(mention[1]);
    const user = users.get(id) ?? { id, is_bot: false, first_name: '' };
    return { type: 'text_mention', offset, length, user };
  }
  let checked = url.trim();
  if (!checked || /\s/.test(checked)) return null;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(checked)) checked = `http://${checked}`;
  const scheme = checked.slice(0, checked.indexOf(':')).toLowerCase();
  // Telegram silently drops links it will not open rather than refusing the message.
  if (!['http', 'https', 'tg', 'ton', 'tonsite'].includes(scheme)) return null;
  return { type: 'text_link', offset, length, url: checked };
}

function parse(input: string, users: Map<number, User>): { text: string; entities: MessageEntity[] } {
  const src = Buffer.from(input, 'utf8');
  const n = src.length;
  const at = (i: number) => (i < n ? src[i]! : 0);
  const out: number[] = [];
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  let utf16 = 0;

  for (let i = 0; i < n; i++) {
    const c = src[i]!;
    if (c === AMP) {
      const decoded = decodeEntity(src, i);
      if (decoded) {
        if (decoded.code >= 0xd800 && decoded.code <= 0xdfff) {
          throw new HtmlError(
            'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
          );
        }
        utf16 += decoded.code > 0xffff ? 2 : 1;
        out.push(...Buffer.from(String.fromCodePoint(decoded.code), 'utf8'));
        i = decoded.end - 1;
        continue;
      }
    }
    if (c !== LT) {
      if (isFirstUtf8Unit(c)) utf16 += c >= 0xf0 ? 2 : 1;
      out.push(c);
      continue;
    }

    const begin = i++;
    if (at(i) !== SLASH) {
      while (!isSpace(at(i)) && at(i) !== GT) i++;
      if (i >= n) throw new HtmlError(`Unclosed start tag at byte offset ${begin}`);
      const tag = src.subarray(begin + 1, i).toString('utf8').toLowerCase();
      if (!SUPPORTED_TAGS.has(tag)) {
        throw new HtmlError(`Unsupported start tag "${tag}" at byte offset ${begin}`);
      }
      let argument = '';
      let expandable = false;
      while (at(i) !== GT) {
        while (i < n && isSpace(at(i))) i++;
        if (at(i) === GT) break;
        if (i >= n) throw new HtmlError(`Unclosed start tag at byte offset ${begin}`);
        const nameBegin = i;
        while (!isSpace(at(i)) && at(i) !== EQ && at(i) !== GT) i++;
        const attr = src.subarray(nameBegin, i).toString('utf8').toLowerCase();
        if (!attr) throw new HtmlError(`Empty attribute name in the tag "${tag}" at byte offset ${begin}`);
        while (i < n && isSpace(at(i))) i++;
        if (at(i) !== EQ) {
          // Bot API 7.x accepts the bare `expandable` flag on blockquote.
          if (tag === 'blockquote' && attr === 'expandable' && i < n) {
            expandable = true;
            continue;
          }
          if (i >= n) throw new HtmlError(`Unclosed start tag at byte offset ${begin}`);
          throw new HtmlError(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${begin}`,
          );
        }
        i++;
        while (i < n && isSpace(at(i))) i++;
        if (i >= n) throw new HtmlError(`Unclosed start tag "${tag}" at byte offset ${begin}`);
        let value: string;
        const q = at(i);
        if (q !== 0x27 && q !== 0x22) {
          const tokenBegin = i;
          while (isAlnum(at(i)) || at(i) === 0x2e || at(i) === 0x2d) i++;
          value = src.subarray(tokenBegin, i).toString('utf8').toLowerCase();
          if (!isSpace(at(i)) && at(i) !== GT) {
            throw new HtmlError(`Unexpected end of name token at byte offset ${tokenBegin}`);
          }
        } else {
          i++;
          const bytes: number[] = [];
          while (i < n && at(i) !== q) {
            if (at(i) === AMP) {
              const decoded = decodeEntity(src, i);
              if (decoded) {
                bytes.push(...Buffer.from(String.fromCodePoint(decoded.code), 'utf8'));
                i = decoded.end;
                continue;
              }
            }
            bytes.push(at(i++));
          }
          if (at(i) === q) i++;
          value = Buffer.from(bytes).toString('utf8');
        }
        if (i >= n) throw new HtmlError(`Unclosed start tag at byte offset ${begin}`);
        if (tag === 'a' && attr === 'href') argument = value;
        else if (tag === 'code' && attr === 'class' && value.startsWith('language-')) argument = value.slice(9);
        else if (tag === 'span' && attr === 'class' && value.startsWith('tg-')) argument = value.slice(3);
        else if (tag === 'tg-emoji' && attr === 'emoji-id') argument = value;
        else if (tag === 'blockquote' && attr === 'expandable') expandable = true;
      }
      if (tag === 'span' && argument !== 'spoiler') {
        throw new HtmlError(`Tag "span" must have class "tg-spoiler" at byte offset ${begin}`);
      }
      open.push({ tag, argument, expandable, offset: utf16, outBegin: out.length });
      continue;
    }

    // An end tag.
    if (open.length === 0) throw new HtmlError(`Unexpected end tag at byte offset ${begin}`);
    while (!isSpace(at(i)) && at(i) !== GT) i++;
    const endTag = src.subarray(begin + 2, i).toString('utf8').toLowerCase();
    while (i < n && isSpace(at(i))) i++;
    if (at(i) !== GT) throw new HtmlError(`Unclosed end tag at byte offset ${begin}`);
    const top = open[open.length - 1]!;
    if (endTag && endTag !== top.tag) {
      throw new HtmlError(
        `Unmatched end tag at byte offset ${begin}, expected "</${top.tag}>", found "</${endTag}>"`,
      );
    }
    if (utf16 > top.offset) {
      const offset = top.offset;
      const length = utf16 - offset;
      const last = entities[entities.length - 1];
      switch (top.tag) {
        case 'i': case 'em':
          entities.push({ type: 'italic', offset, length }); break;
        case 'b': case 'strong':
          entities.push({ type: 'bold', offset, length }); break;
        case 's': case 'strike': case 'del':
          entities.push({ type: 'strikethrough', offset, length }); break;
        case 'u': case 'ins':
          entities.push({ type: 'underline', offset, length }); break;
        case 'tg-spoiler': case 'span':
          entities.push({ type: 'spoiler', offset, length }); break;
        case 'tg-emoji': {
          if (!/^\d+$/.test(top.argument) || /^0+$/.test(top.argument)) {
            throw new HtmlError('Invalid custom emoji identifier specified');
          }
          entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: top.argument });
          break;
        }
        case 'a': {
          const url = top.argument || Buffer.from(out.slice(top.outBegin)).toString('utf8');
          const entity = linkEntity(url, offset, length, users);
          if (entity) entities.push(entity);
          break;
        }
        case 'pre':
          if (last?.type === 'code' && last.offset === offset && last.length === length && last.language) {
            last.type = 'pre';
          } else {
            entities.push({ type: 'pre', offset, length });
          }
          break;
        case 'code':
          if (last?.type === 'pre' && last.offset === offset && last.length === length && top.argument) {
            last.language = top.argument;
          } else {
            const code: MessageEntity = { type: 'code', offset, length };
            if (top.argument) code.language = top.argument;
            entities.push(code);
          }
          break;
        case 'blockquote':
          entities.push({ type: top.expandable ? 'expandable_blockquote' : 'blockquote', offset, length });
          break;
      }
    }
    open.pop();
  }
  if (open.length > 0) {
    throw new HtmlError(`Can't find end tag corresponding to start tag ${open[open.length - 1]!.tag}`);
  }
  // A language only means something on pre; a lone <code class="language-x"> loses it.
  for (const e of entities) if (e.type === 'code') delete e.language;
  return { text: Buffer.from(out).toString('utf8'), entities: sortEntities(entities) };
}

/** Parses Telegram HTML; a malformed text is refused with Telegram's 400 "can't parse entities: ...". */
export function parseHtml(input: string, users: Map<number, User> = new Map()) {
  try {
    return parse(input, users);
  } catch (error) {
    if (error instanceof HtmlError) throw badRequest(`can't parse entities: ${error.message}`);
    throw error;
  }
}
