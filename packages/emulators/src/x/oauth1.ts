import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Server-side check of an OAuth 1.0a HMAC-SHA1 request signature (RFC 5849 §3.4), so a client
 * that signs the wrong URL, the wrong parameters or with the wrong secret is refused as X
 * refuses it. JSON bodies are not part of the signature; query parameters are.
 */

/** RFC 3986 unreserved-only encoding, which OAuth requires (encodeURIComponent leaves !*'() alone). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!*'()]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/** Parses `OAuth k="v", k2="v2"`; undefined when the header is not OAuth or is malformed. */
export function parseOAuthHeader(header: string): Record<string, string> | undefined {
  const match = /^OAuth\s+(.*)$/i.exec(header.trim());
  if (!match?.[1]) return undefined;
  const params: Record<string, string> = {};
  const pair = /\s*([A-Za-z0-9_%.-]+)="([^"]*)"\s*(?:,|$)/y;
  const body = match[1];
  let consumed = 0;
  while (consumed < body.length) {
    pair.lastIndex = consumed;
    const m = pair.exec(body);
    if (!m?.[1] || m[2] === undefined) return undefined;
    try {
      params[decodeURIComponent(m[1])] = decodeURIComponent(m[2]);
    } catch {
      return undefined;
    }
    consumed = pair.lastIndex;
  }
  return params;
}

/** Decodes a raw query string into pairs without URLSearchParams' '+'-as-space rule. */
export function queryPairs(rawQuery: string): Array<[string, string]> {
  if (!rawQuery) return [];
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    try {
      pairs.push([decodeURIComponent(key), decodeURIComponent(value)]);
    } catch {
      pairs.push([key, value]);
    }
  }
  return pairs;
}

export function signatureBaseString(
  method: string,
  baseUrl: string,
  oauthParams: Record<string, string>,
  query: Array<[string, string]>,
): string {
  const all: Array<[string, string]> = [
    ...Object.entries(oauthParams).filter(([k]) => k !== 'oauth_signature' && k !== 'realm'),
    ...query,
  ].map(([k, v]) => [percentEncode(k), percentEncode(v)]);
  all.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const paramString = all.map(([k, v]) => `${k}=${v}`).join('&');
  return [method.toUpperCase(), percentEncode(baseUrl), percentEncode(paramString)].join('&');
}

export function hmacSha1Signature(base: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac('sha1', key).update(base).digest('base64');
}

export function signaturesEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
