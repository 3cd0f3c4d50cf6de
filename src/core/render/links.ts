import { domainToASCII } from 'node:url';
import twitter from 'twitter-text';
import { hrefRuns } from './links-text';
import { blockText } from './spans';
import type { Doc } from './types';
import { addIfFree, schemeUrlRanges, type Range } from './urls';

/**
 * The link guard. Every URL in a statement — link targets and anything in the text that
 * Discord, Telegram or X would turn into a link — must be on an official domain or one of its
 * subdomains. Matching is exact or by dot-suffix on the punycode host, so acme.finance.evil.com
 * and evilacme.finance do not pass.
 */

/** E-mail addresses (Telegram links them) and bare hosts with userinfo (acme.finance@evil.com). */
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@(?:[\p{L}\p{N}-]{1,63}\.)+[\p{L}\p{N}-]{2,63}/gu;
/** Schemes that run code or embed content, written without `//`. */
const SCRIPT_SCHEME = /\b(?:javascript|vbscript|data|file):[^\s]+/giu;
/** Internationalised bare domains, which twitter-text does not extract but Telegram links. */
const IDN_DOMAIN = /(?<![\p{L}\p{N}_@.-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{N}_-])[^\s]*/gu;

export function findLinks(doc: Doc): string[] {
  const found: string[] = [];
  const add = (u: string) => {
    if (!found.includes(u)) found.push(u);
  };
  for (const block of doc.blocks) {
    for (const run of hrefRuns(block.spans)) if (run.href !== undefined) add(run.href);
    const text = blockText(block);
    const ranges: Range[] = schemeUrlRanges(text);
    for (const re of [SCRIPT_SCHEME, EMAIL]) {
      for (const m of text.matchAll(re)) addIfFree(ranges, { start: m.index, end: m.index + m[0].length });
    }
    for (const e of twitter.extractUrlsWithIndices(text)) addIfFree(ranges, { start: e.indices[0], end: e.indices[1] });
    for (const m of text.matchAll(IDN_DOMAIN)) {
      if (/[^\x00-\x7f]|xn--/iu.test(m[0])) addIfFree(ranges, { start: m.index, end: m.index + m[0].length });
    }
    ranges.sort((a, b) => a.start - b.start).forEach((r) => add(text.slice(r.start, r.end)));
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

function normaliseHost(host: string): string | null {
  const ascii = domainToASCII(host.trim().toLowerCase().replace(/\.$/u, ''));
  return ascii || null;
}

/** Whether one link (as found by findLinks) is on an official domain. */
export function isOfficial(link: string, official: readonly string[]): boolean {
  const host = hostOf(link);
  return host !== null && official.some((d) => host === d || host.endsWith(`.${d}`));
}

/** The punycode host a link leads to, or null when it is not a plain http(s) link to a domain. */
function hostOf(link: string): string | null {
  if (link.includes('\\')) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/iu.exec(link);
  if (!scheme) {
    const email = /^[^\s/@]+@([^\s/@]+)$/u.exec(link);
    if (email) return normaliseHost(email[1]!);
  } else if (!/^https?$/iu.test(scheme[1]!)) return null;
  const candidate = scheme ? link : `https://${link}`;
  // Userinfo is refused however it is written: "https://acme.finance@evil.com" goes to evil.com.
  const authority = /^[a-z][a-z0-9+.-]*:\/*([^/?#]*)/iu.exec(candidate)?.[1] ?? '';
  if (authority.includes('@')) return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  const host = url.hostname.replace(/\.$/u, '');
  if (!host || host.startsWith('[') || /^[\d.]+$/u.test(host)) return null;
  return host;
}
