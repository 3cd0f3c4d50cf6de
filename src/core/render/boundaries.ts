import { insideAny, type Range } from './urls';

/**
 * Where a paragraph may be cut, best first: after a sentence (or at a line break), then between
 * words, then between any two grapheme clusters. A cut is the offset where a piece ends; the
 * whitespace after it is dropped. Nothing is cut inside a URL.
 */

/** `.`, `!`, `?` followed by space or the end (so 1.5 and acme.finance are not ends). */
const LATIN_END = /[.!?]+["'”’)\]]*(?=\s|$)/gu;
/** CJK text has no space after a full stop, so its terminators always end a sentence. */
const CJK_END = /[。！？]+[」』”’）]*/gu;

export function sentenceCuts(text: string, atomic: readonly Range[]): number[] {
  const cuts = new Set<number>();
  for (const m of text.matchAll(/\n/gu)) cuts.add(m.index);
  for (const re of [LATIN_END, CJK_END]) {
    for (const m of text.matchAll(re)) cuts.add(m.index + m[0].length);
  }
  return usable(cuts, text, atomic);
}

export function wordCuts(text: string, atomic: readonly Range[]): number[] {
  const cuts = new Set<number>();
  for (const m of text.matchAll(/\s+/gu)) cuts.add(m.index);
  return usable(cuts, text, atomic);
}

/**
 * Grapheme boundaries after `from`, so an emoji or a letter with its accents stays whole. Built at
 * the first split, not at import: its ICU data is memory an idle herald would hold for nothing.
 */
let graphemes: Intl.Segmenter | undefined;

/** Grapheme boundaries in (from, to]; `to` itself only when it is the end of the text. */
export function graphemeCuts(text: string, from: number, to = text.length): number[] {
  const cuts: number[] = [];
  // One grapheme of look-ahead so a cluster straddling `to` is not split.
  const window = text.slice(from, Math.min(text.length, to + 16));
  for (const seg of (graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })).segment(window)) {
    const at = from + seg.index + seg.segment.length;
    if (at > to || at >= text.length) break;
    cuts.push(at);
  }
  return cuts;
}

function usable(cuts: Set<number>, text: string, atomic: readonly Range[]): number[] {
  return [...cuts].filter((c) => c > 0 && c < text.length && !insideAny(atomic, c)).sort((a, b) => a - b);
}
