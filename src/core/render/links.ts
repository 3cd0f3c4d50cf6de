import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { parse as parseDomain } from 'tldts';
import twitter from 'twitter-text';
import { hrefRuns } from './links-text';
import { blockText } from './spans';
import type { Doc } from './types';
import { EMAIL, isOfficial, normaliseHost } from './official';
import { addIfFree, trimUrlEnd, type Range } from './urls';

/**
 * The link guard. Every URL in a statement — link targets and anything in the text that
 * Discord, Telegram or X would turn into a link — must be on an official domain or one of its
 * subdomains. Matching is exact or by dot-suffix on the punycode host, so acme.finance.evil.com
 * and evilacme.finance do not pass.
 *
 * Candidates are found more eagerly than any one platform finds them, because the union of
 * what they link is what reaches readers: Telegram links a URL glued to the word or digit before
 * it (`1https://evil.example`), bare domains on every IANA top-level domain, bare IP addresses,
 * `tg://` links, and `.ton` names; twitter-text's bundled TLD list is years old.
 */

/** Any scheme followed by `//`, wherever it starts: the word or digit before it does not stop Telegram. */
const SCHEME_URL = /[a-z][a-z0-9+.-]{0,31}:\/\/[^\s<>"[\]]+/giu;
/** Schemes that run code, embed content or open an app, written without `//`. */
const BARE_SCHEME = /\b(?:javascript|vbscript|data|file|tg|mailto|tel|sms|ton|bitcoin|ethereum|solana):[^\s]+/giu;
/** A host-like run (labels joined by dots) with an optional port and path; its TLD decides. */
const DOMAIN = /(?:[\p{L}\p{N}](?:[\p{L}\p{N}_-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{N}_-])(?::\d{1,5})?(?:[/?#][^\s<>"]*)?/gu;
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)(?::\d{1,5})?(?:[/?#][^\s<>"]*)?/gu;
const IPV6 = /\[[0-9a-f:.]{2,45}\](?::\d{1,5})?(?:[/?#][^\s<>"]*)?|(?<![0-9a-z:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f.]{0,15}(?:[/?#][^\s<>"]*)?/giu;

/** Top-level domains some platform links that are not (yet) in the IANA root: TON DNS (Telegram), Tor. */
const PLATFORM_TLDS = new Set(['ton', 'onion', 'i2p']);

/** Whether a bare host would be made clickable: an IANA (ICANN) suffix, a platform's own, or an IDN. */
function linkableHost(host: string): boolean {
  const ascii = domainToASCII(host.toLowerCase());
  if (!ascii) return /[^\x00-\x7f]/u.test(host);
  const tld = ascii.slice(ascii.lastIndexOf('.') + 1);
  if (PLATFORM_TLDS.has(tld) || /xn--/u.test(ascii)) return true;
  return parseDomain(ascii, { allowPrivateDomains: false }).isIcann === true;
}

const hostPart = (candidate: string) => candidate.split(/[:/?#]/u, 1)[0]!;

/** Every link-like range in one piece of text, earliest finds first; overlapping later finds are dropped. */
function linkRanges(text: string): Range[] {
  const ranges: Range[] = [];
  const take = (start: number, raw: string) => {
    const url = trimUrlEnd(raw);
    if (url) addIfFree(ranges, { start, end: start + url.length });
  };
  for (const m of text.matchAll(SCHEME_URL)) if (!m[0].endsWith('://')) take(m.index, m[0]);
  for (const m of text.matchAll(BARE_SCHEME)) take(m.index, m[0]);
  for (const m of text.matchAll(EMAIL)) addIfFree(ranges, { start: m.index, end: m.index + m[0].length });
  for (const m of text.matchAll(IPV4)) if (isIP(hostPart(m[0])) === 4) take(m.index, m[0]);
  for (const m of text.matchAll(IPV6)) {
    const addr = m[0].startsWith('[') ? m[0].slice(1, m[0].indexOf(']')) : m[0].split(/[/?#]/u, 1)[0]!;
    if (isIP(addr) === 6) take(m.index, m[0]);
  }
  for (const m of text.matchAll(DOMAIN)) if (linkableHost(hostPart(m[0]))) take(m.index, m[0]);
  for (const e of twitter.extractUrlsWithIndices(text)) addIfFree(ranges, { start: e.indices[0], end: e.indices[1] });
  return ranges.sort((a, b) => a.start - b.start);
}

/** The links in a piece of plain text, as the union of the platforms' linkifiers would see them. */
export function findTextLinks(text: string): string[] {
  return linkRanges(text).map((r) => text.slice(r.start, r.end));
}

export function findLinks(doc: Doc): string[] {
  const found: string[] = [];
  const add = (u: string) => {
    if (!found.includes(u)) found.push(u);
  };
  for (const block of doc.blocks) {
    for (const run of hrefRuns(block.spans)) if (run.href !== undefined) add(run.href);
    findTextLinks(blockText(block)).forEach(add);
  }
  return found;
}

export function checkLinks(
  doc: Doc,
  officialDomains: readonly string[],
): { ok: true } | { ok: false; offending: string[] } {
  const official = officialDomains.map(normaliseHost).filter((d): d is string => !!d);
  const offending = findLinks(doc).filter((link) => !isOfficial(link, official));
  return offending.length ? { ok: false, offending } : { ok: true };
}
