import { badRequest } from './api-errors';
import type { MessageEntity } from './types';

/**
 * What Telegram does to a message text after parsing (tdlib's fix_formatted_text):
 * control characters become spaces, '\r' and bidirectional embedding controls vanish,
 * whitespace-only entities are dropped, the text is trimmed, and URLs, @mentions,
 * #hashtags, $cashtags, e-mails and /commands are found on their own. Offsets and
 * lengths are UTF-16 code units, which is what JavaScript string indices are.
 */

// tdlib's sort priority: lower sorts first when offset and length are equal.
const PRIORITY: Record<string, number> = {
  mention: 50, hashtag: 50, bot_command: 50, url: 50, email: 50, cashtag: 50, phone_number: 50,
  bold: 90, italic: 91, underline: 92, strikethrough: 93, spoiler: 94, custom_emoji: 99,
  code: 20, pre: 11, text_link: 49, text_mention: 49, blockquote: 0, expandable_blockquote: 0,
};

function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort(
    (a, b) =>
      a.offset - b.offset || b.length - a.length || (PRIORITY[a.type] ?? 50) - (PRIORITY[b.type] ?? 50),
  );
}

/** Bold, italic and the like may overlap anything; the rest may not be crossed by new entities. */
const SPLITTABLE = new Set(['bold', 'italic', 'underline', 'strikethrough', 'spoiler']);
const BLOCKQUOTE = new Set(['blockquote', 'expandable_blockquote']);
/** Entities that carry data beyond their text survive being whitespace-only. */
const HIDDEN_DATA = new Set(['text_link', 'text_mention', 'custom_emoji']);

const isRemoved = (cp: number) =>
  cp === 0x0d || (cp >= 0x2028 && cp <= 0x202e) || cp === 0x0333 || cp === 0x033f || cp === 0x030a;

/** Removes and replaces characters the way Telegram does, moving entity bounds with them. */
function clean(text: string, entities: MessageEntity[]): { text: string; entities: MessageEntity[] } {
  const map = new Array<number>(text.length + 1);
  let out = '';
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    for (let k = 0; k < units; k++) map[i + k] = out.length;
    if (!isRemoved(cp)) {
      out += cp < 0x20 && cp !== 0x0a ? ' ' : String.fromCodePoint(cp);
    }
    i += units;
  }
  map[text.length] = out.length;
  const moved: MessageEntity[] = [];
  for (const e of entities) {
    const start = map[e.offset]!;
    const end = map[e.offset + e.length]!;
    if (end > start) moved.push({ ...e, offset: start, length: end - start });
  }
  return { text: out, entities: moved };
}

const isBlank = (ch: string | undefined) => ch === ' ' || ch === '\n';

function validate(text: string, entities: MessageEntity[]) {
  for (const e of entities) {
    if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset > 1_000_000) {
      throw badRequest(`receive an entity with incorrect offset ${e.offset}`);
    }
    if (!Number.isInteger(e.length) || e.length < 0 || e.length > 1_000_000) {
      throw badRequest(`receive an entity with incorrect length ${e.length}`);
    }
    if (e.length > 0 && e.offset >= text.length) {
      throw badRequest(`entity begins after the end of the text at UTF-16 offset ${e.offset}`);
    }
    if (e.offset + e.length > text.length) {
      throw badRequest(
        `entity beginning at UTF-16 offset ${e.offset} ends after the end of the text at UTF-16 offset ${e.offset + e.length}`,
      );
    }
  }
}

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

/**
 * Normalises a message text the way Telegram stores it. Returns null when nothing but
 * whitespace is left (callers answer "message text is empty").
 */
export function fixFormattedText(input: FormattedText, detect = true): FormattedText | null {
  validate(input.text, input.entities);
  let { text, entities } = clean(input.text, input.entities.filter((e) => e.length > 0));

  // Entities that start on whitespace start later; entities of whitespace only go.
  entities = entities
    .map((e) => {
      if (HIDDEN_DATA.has(e.type)) return e;
      let { offset, length } = e;
      while (length > 0 && isBlank(text[offset])) {
        offset++;
        length--;
      }
      return { ...e, offset, length };
    })
    .filter((e) => e.length > 0);

  let last = text.length - 1;
  while (last >= 0 && isBlank(text[last])) last--;
  if (last < 0) return null;
  text = text.slice(0, last + 1);
  entities = entities
    .filter((e) => e.offset <= last)
    .map((e) => (e.offset + e.length > last + 1 ? { ...e, length: last + 1 - e.offset } : e));

  const firstEntity = entities.reduce((min, e) => Math.min(min, e.offset), text.length);
  let first = 0;
  while (first < firstEntity && isBlank(text[first])) first++;
  if (first > 0) {
    text = text.slice(first);
    entities = entities.map((e) => ({ ...e, offset: e.offset - first }));
  }

  if (detect) entities = mergeDetected(entities, findEntities(text));
  return { text, entities: sortEntities(entities) };
}

function mergeDetected(entities: MessageEntity[], found: MessageEntity[]): MessageEntity[] {
  const blocking = entities.filter((e) => !SPLITTABLE.has(e.type) && !BLOCKQUOTE.has(e.type));
  const crosses = (a: MessageEntity, b: MessageEntity) =>
    a.offset < b.offset + b.length && b.offset < a.offset + a.length;
  return [...entities, ...found.filter((f) => !blocking.some((b) => crosses(b, f)))];
}

// ---- Auto-detection: a practical subset of tdlib's matchers ----

/** Telegram checks bare domains against the real TLD list; this is the part crypto teams use. */
const COMMON_TLDS = new Set([
  'com', 'org', 'net', 'edu', 'gov', 'info', 'biz', 'xyz', 'app', 'dev', 'finance', 'exchange', 'money',
  'network', 'link', 'page', 'site', 'online', 'tech', 'cloud', 'group', 'foundation', 'capital', 'market',
  'trade', 'wallet', 'crypto', 'dao', 'zone', 'live', 'news', 'blog', 'help', 'support', 'security',
]);

const WORD = /[\p{L}\p{N}_]/u;
const HASHTAG_LETTER = /[\p{L}\p{Nd}_\u200c\u0d80-\u0dff\u00b7]/u;
const charBefore = (text: string, i: number) => (i > 0 ? String.fromCodePoint(text.codePointAt(i - 1)!) : '');

function matchAll(text: string, re: RegExp, accept: (m: RegExpExecArray) => [number, number] | null) {
  const out: Array<[number, number]> = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const span = accept(m);
    if (span) out.push(span);
  }
  return out;
}

/** Entities Telegram recognises by itself in plain text. */
export function findEntities(text: string): MessageEntity[] {
  const found: MessageEntity[] = [];
  const taken: Array<[number, number]> = [];
  const add = (type: string, spans: Array<[number, number]>) => {
    for (const [start, end] of spans) {
      if (taken.some(([s, e]) => start < e && s < end)) continue;
      taken.push([start, end]);
      found.push({ type, offset: start, length: end - start });
    }
  };

  add('email', matchAll(text, /[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}/g, (m) =>
    WORD.test(charBefore(text, m.index)) ? null : [m.index, m.index + m[0].length]));

  add('url', matchAll(
    text,
    /(?:https?:\/\/[^\s<>"]+|(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+([A-Za-z]{2,24})(?::\d{1,5})?(?:\/[^\s<>"]*)?)/g,
    (m) => {
      const before = charBefore(text, m.index);
      if (before && /[\p{L}\p{N}_@.\-/]/u.test(before)) return null;
      const tld = m[1]?.toLowerCase();
      if (tld !== undefined && tld.length > 2 && !COMMON_TLDS.has(tld)) return null;
      let end = m.index + m[0].length;
      while (end > m.index && /[.,;:!?'")\]]/.test(text[end - 1]!)) end--;
      return end > m.index ? [m.index, end] : null;
    },
  ));

  add('bot_command', matchAll(text, /\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?/g, (m) => {
    const before = charBefore(text, m.index);
    const after = text[m.index + m[0].length] ?? '';
    if ((before && (WORD.test(before) || '/<>'.includes(before))) || (after && (WORD.test(after) || '/<>@'.includes(after)))) {
      return null;
    }
    return [m.index, m.index + m[0].length];
  }));

  add('mention', matchAll(text, /@[A-Za-z0-9_]{5,32}/g, (m) => {
    const after = text[m.index + m[0].length] ?? '';
    if (WORD.test(charBefore(text, m.index)) || WORD.test(after)) return null;
    return [m.index, m.index + m[0].length];
  }));

  add('hashtag', matchAll(text, /#[\p{L}\p{Nd}_\u200c\u0d80-\u0dff\u00b7]{1,256}/gu, (m) => {
    const after = text[m.index + m[0].length] ?? '';
    if (HASHTAG_LETTER.test(charBefore(text, m.index)) || after === '#' || !/\p{L}/u.test(m[0])) return null;
    return [m.index, m.index + m[0].length];
  }));

  add('cashtag', matchAll(text, /\$(?:1INCH|[A-Z]{1,8})/g, (m) => {
    const before = charBefore(text, m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 2);
    const next = after ? String.fromCodePoint(after.codePointAt(0)!) : '';
    if ((before && (HASHTAG_LETTER.test(before) || before === '$')) || (next && (HASHTAG_LETTER.test(next) || next === '$'))) {
      return null;
    }
    return [m.index, m.index + m[0].length];
  }));

  return sortEntities(found);
}
