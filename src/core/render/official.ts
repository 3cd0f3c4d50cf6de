import { domainToASCII } from 'node:url';

/**
 * Whether a link leads to an official domain: the link guard's verdict on one link, apart from
 * ./links.ts (which finds the links, with tldts and twitter-text), so that checking the config
 * file's own URLs does not load what finding links in a statement needs.
 */

/** E-mail addresses (Telegram links them) and bare hosts with userinfo (acme.finance@evil.com). */
export const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@(?:[\p{L}\p{N}-]{1,63}\.)+[\p{L}\p{N}-]{2,63}/gu;

export function normaliseHost(host: string): string | null {
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
  const scheme = /^([a-z][a-z0-9+.-]*):(?=\/\/)/iu.exec(link) ?? /^([a-z][a-z0-9+.-]*):(?!\d)/iu.exec(link);
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

const normaliseUrl = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();
/** Whether a link is one of the exact official URLs (official_urls), whatever its domain. */
export const onOfficialUrls = (u: string, urls: readonly string[]) => urls.some((o) => normaliseUrl(o) === normaliseUrl(u));

/** Whether a link passes the guard: on an official domain, or one of the exact official URLs. */
export function isAllowedLink(link: string, ctx: { officialDomains: readonly string[]; officialUrls: readonly string[] }): boolean {
  return isOfficial(link, ctx.officialDomains) || onOfficialUrls(link, ctx.officialUrls);
}
