import twitter from 'twitter-text';

/**
 * Where URLs are in a piece of text, found the way the platforms find them: anything with a
 * scheme (`https://…`, `tg://…`), plus the bare domains twitter-text would link (`evil.com`,
 * `www.evil.com/x`) — Telegram and X turn those into links too.
 */
export type Range = { start: number; end: number };

/**
 * `scheme://` followed by anything but whitespace, quotes, angle or square brackets. The scheme
 * is bounded (real ones are short) so a long run of letters is not rescanned from every position.
 */
const SCHEME_URL = /[a-z][a-z0-9+.-]{0,31}:\/\/[^\s<>"[\]]+/giu;
/** Same pattern, anchored, for the parser that walks template text position by position. */
export const SCHEME_URL_AT = /[a-z][a-z0-9+.-]{0,31}:\/\/[^\s<>"[\]]+/iuy;

const TRAILING = /[.,:;!?'"*_~]$/u;

/** Drops the punctuation a sentence puts after a URL, and a closing parenthesis it did not open. */
export function trimUrlEnd(url: string): string {
  let u = url;
  for (;;) {
    if (TRAILING.test(u)) u = u.slice(0, -1);
    else if (u.endsWith(')') && count(u, '(') < count(u, ')')) u = u.slice(0, -1);
    else if (u.endsWith('}') && count(u, '{') < count(u, '}')) u = u.slice(0, -1);
    else return u;
  }
}

const count = (s: string, ch: string) => s.split(ch).length - 1;

export function schemeUrlRanges(text: string): Range[] {
  const out: Range[] = [];
  for (const m of text.matchAll(SCHEME_URL)) {
    const prev = text[m.index - 1];
    if (prev !== undefined && /[\p{L}\p{N}]/u.test(prev)) continue;
    const url = trimUrlEnd(m[0]);
    if (url.includes('://') && !url.endsWith('://')) out.push({ start: m.index, end: m.index + url.length });
  }
  return out;
}

/** Every URL-like range, scheme URLs first; later finds that overlap earlier ones are dropped. */
export function urlRanges(text: string): Range[] {
  const ranges = schemeUrlRanges(text);
  for (const e of twitter.extractUrlsWithIndices(text)) {
    addIfFree(ranges, { start: e.indices[0], end: e.indices[1] });
  }
  return ranges.sort((a, b) => a.start - b.start);
}

export function addIfFree(ranges: Range[], r: Range): boolean {
  if (ranges.some((x) => r.start < x.end && x.start < r.end)) return false;
  ranges.push(r);
  return true;
}

export const insideAny = (ranges: readonly Range[], pos: number) =>
  ranges.some((r) => pos > r.start && pos < r.end);
