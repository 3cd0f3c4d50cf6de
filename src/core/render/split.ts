import { graphemeCuts, sentenceCuts, wordCuts } from './boundaries';
import { blockText, sliceBlock, trimmedRange } from './spans';
import type { Block, Doc } from './types';
import type { Range } from './urls';

/**
 * Packs a statement into messages no bigger than `limit`, as measured by the platform's own
 * renderer (`measure` sees the exact blocks of one message). Greedy, in order: whole paragraphs
 * first; a paragraph too long for an empty message is cut after a sentence, then between
 * words, then between grapheme clusters. Text is never reordered or dropped, only the
 * whitespace at a cut.
 */
export type Measure = (blocks: Block[]) => number;

export function splitDoc(
  doc: Doc,
  limit: number,
  measure: Measure,
  atomicOf: (text: string) => Range[] = () => [],
): Block[][] {
  const parts: Block[][] = [];
  let cur: Block[] = [];
  const flush = () => {
    if (cur.length) parts.push(cur);
    cur = [];
  };
  const fits = (piece: Block) => measure([...cur, piece]) <= limit;

  for (const block of doc.blocks) {
    const text = blockText(block);
    const atomic = atomicOf(text);
    const sentences = sentenceCuts(text, atomic);
    const words = wordCuts(text, atomic);
    let pos = 0;
    // Each pass either places text or empties `cur`, so this is bounded by twice the text length.
    for (let guard = 0; pos < text.length; guard++) {
      if (guard > 2 * text.length + 2) throw new Error('splitDoc made no progress');
      const piece = (end: number) => sliceBlock(block, ...trimmedRange(text, pos, end));
      const rest = piece(text.length);
      if (fits(rest)) {
        cur.push(rest);
        break;
      }
      if (cur.length && pos === 0 && measure([rest]) <= limit) {
        flush(); // the whole paragraph fits a message of its own: break between paragraphs
        continue;
      }
      let cut = largestFitting(sentences, pos, piece, fits);
      if (cut === null && cur.length) {
        flush();
        continue;
      }
      cut ??= largestFitting(words, pos, piece, fits) ?? hardCut(text, pos, limit, atomic, piece, fits);
      cur.push(piece(cut));
      flush();
      pos = trimmedRange(text, cut, text.length)[0];
    }
  }
  flush();
  return parts;
}

type Piece = (end: number) => Block;

/** Binary search: measured size grows with the text, so the fitting cuts are a prefix. */
function largestFitting(cuts: readonly number[], pos: number, piece: Piece, fits: (b: Block) => boolean): number | null {
  // `pos` is never whitespace, so every cut after it leaves a non-empty piece.
  let lo = firstAfter(cuts, pos);
  let hi = cuts.length - 1;
  let best: number | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fits(piece(cuts[mid]!))) {
      best = cuts[mid]!;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

function firstAfter(cuts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid]! <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Last resort inside a word; backs off to the start of a URL rather than cutting into it.
 * Grapheme boundaries are found in a window that doubles until the cut is inside it, so a
 * long unspaced text (CJK) is not segmented again from the start for every message.
 */
function hardCut(
  text: string,
  pos: number,
  limit: number,
  atomic: readonly Range[],
  piece: Piece,
  fits: (b: Block) => boolean,
): number {
  let cut = pos;
  for (let window = 4 * limit; ; window *= 2) {
    const end = Math.min(text.length, pos + window);
    const cuts = graphemeCuts(text, pos, end);
    cut = largestFitting(cuts, pos, piece, fits) ?? cuts[0] ?? end;
    if (end === text.length || cut !== cuts[cuts.length - 1]) break;
  }
  const url = atomic.find((r) => cut > r.start && cut < r.end);
  if (url && url.start > pos) cut = url.start;
  return cut;
}
