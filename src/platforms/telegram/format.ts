import type { User } from 'telegraf/types';
import type { PartContent } from '../../core/delivery/publisher';
import type { TelegramEntity } from '../../core/render';

/** What herald sends: text plus entities. Mentions name the person a prompt is for. */
export type OutEntity = TelegramEntity | { type: 'text_mention'; offset: number; length: number; user: User };
export interface OutText {
  text: string;
  entities: OutEntity[];
}

/** Telegram's limit, in UTF-16 code units after entity parsing (what String.length counts). */
export const MESSAGE_LIMIT = 4096;
/** Callback query answers are cut by Telegram at 200 characters. */
export const ANSWER_LIMIT = 200;
export const NO_LINK_PREVIEW = { is_disabled: true } as const;

export const asPart = (c: PartContent): OutText => (typeof c === 'string' ? { text: c, entities: [] } : { text: c.text, entities: [...c.entities] });

export const plain = (text: string): OutText => ({ text, entities: [] });

/**
 * herald's own replies mark commands and values as `code`, as Discord shows them; Telegram
 * parses no markup, so each backtick pair on one line becomes a code entity (offsets in UTF-16
 * units, what String indices count) and the backticks go. A lone backtick stays as it is. Not
 * the statement parser: a reply quotes what people typed, and `*` or `_` there mean nothing.
 */
export function withCode(text: string): OutText {
  let out = '';
  const entities: OutEntity[] = [];
  let last = 0;
  for (const m of text.matchAll(/`([^`\n]+)`/gu)) {
    out += text.slice(last, m.index);
    entities.push({ type: 'code', offset: out.length, length: m[1]!.length });
    out += m[1];
    last = m.index + m[0].length;
  }
  return { text: out + text.slice(last), entities };
}

export const bold = (text: string): OutText => ({ text, entities: text ? [{ type: 'bold', offset: 0, length: text.length }] : [] });

/** Joins pieces with a separator, shifting each piece's entities to where it lands. */
export function join(pieces: OutText[], separator = '\n\n'): OutText {
  let text = '';
  const entities: OutEntity[] = [];
  pieces.forEach((p, i) => {
    if (i) text += separator;
    for (const e of p.entities) entities.push({ ...e, offset: e.offset + text.length });
    text += p.text;
  });
  return { text, entities };
}

/**
 * Packs pieces into as few messages as the limit allows, in order. A piece is never cut, so
 * every piece must itself fit (statement parts do; plain replies go through splitText first).
 */
export function pack(pieces: OutText[], limit = MESSAGE_LIMIT, separator = '\n\n'): OutText[] {
  const out: OutText[][] = [];
  let current: OutText[] = [];
  let length = 0;
  for (const p of pieces) {
    const added = (current.length ? separator.length : 0) + p.text.length;
    if (current.length && length + added > limit) {
      out.push(current);
      current = [];
      length = 0;
    }
    length += (current.length ? separator.length : 0) + p.text.length;
    current.push(p);
  }
  if (current.length) out.push(current);
  return out.map((group) => join(group, separator));
}

/** Plain text in pieces of at most `limit`, cut at line breaks where there are any, else at spaces. */
export function splitText(text: string, limit = MESSAGE_LIMIT): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = window.lastIndexOf('\n');
    if (cut < limit / 2) cut = window.lastIndexOf(' ');
    if (cut < limit / 2) cut = limit;
    // Never cut a surrogate pair in half.
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** How a person is called in replies and the audit log. */
export function displayName(user: Pick<User, 'first_name' | 'last_name' | 'username' | 'id'>): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return name || (user.username ? `@${user.username}` : String(user.id));
}
