import type { Span } from './types';

/**
 * Whether a link's visible text already says where it goes (then the URL is shown once).
 * `withoutScheme` also accepts text that is the URL minus its `https://`.
 */
export function textIsHref(text: string, href: string, withoutScheme = true): boolean {
  const t = text.trim().toLowerCase().replace(/\/+$/u, '');
  const h = href.trim().toLowerCase().replace(/\/+$/u, '');
  return t === h || (withoutScheme && t === h.replace(/^[a-z][a-z0-9+.-]*:\/\//u, ''));
}

/** Calls `each` for every run of consecutive spans sharing one href (undefined for plain runs). */
export function hrefRuns(spans: readonly Span[]): Array<{ href: string | undefined; spans: Span[] }> {
  const runs: Array<{ href: string | undefined; spans: Span[] }> = [];
  for (const s of spans) {
    const last = runs[runs.length - 1];
    if (last && last.href === s.href) last.spans.push(s);
    else runs.push({ href: s.href, spans: [s] });
  }
  return runs;
}

/**
 * Links whose text is exactly their own URL become plain text: the platforms link bare URLs
 * anyway, and a masked link that looks like a URL is what phishing looks like.
 */
export function unmaskSelfLinks(spans: readonly Span[]): Span[] {
  return hrefRuns(spans).flatMap((run) => {
    if (run.href === undefined) return run.spans;
    const text = run.spans.map((s) => s.text).join('');
    if (!textIsHref(text, run.href, false)) return run.spans;
    return run.spans.map(({ href: _href, ...rest }) => rest);
  });
}
