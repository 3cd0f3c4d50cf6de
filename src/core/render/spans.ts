import type { Block, Span } from './types';

/** Span helpers shared by the parser, the splitter and the renderers. */

export const blockText = (block: Block) => block.spans.map((s) => s.text).join('');

export function sameFormat(a: Span, b: Span): boolean {
  return a.bold === b.bold && a.italic === b.italic && a.code === b.code && a.href === b.href;
}

/** Joins neighbours that look the same and share an origin; drops empty spans. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    if (!s.text) continue;
    const last = out[out.length - 1];
    if (last && sameFormat(last, s) && last.fromValue === s.fromValue) {
      out[out.length - 1] = { ...last, text: last.text + s.text };
    } else out.push({ ...s });
  }
  return out;
}

/** The part of a block between two UTF-16 offsets of its text. */
export function sliceBlock(block: Block, start: number, end: number): Block {
  const spans: Span[] = [];
  let pos = 0;
  for (const s of block.spans) {
    const a = Math.max(start, pos);
    const b = Math.min(end, pos + s.text.length);
    if (a < b) spans.push({ ...s, text: s.text.slice(a - pos, b - pos) });
    pos += s.text.length;
  }
  return { spans };
}

/** Offsets of a block's text without its leading and trailing whitespace. */
export function trimmedRange(text: string, start: number, end: number): [number, number] {
  let a = start;
  let b = end;
  while (a < b && /\s/u.test(text[a]!)) a++;
  while (b > a && /\s/u.test(text[b - 1]!)) b--;
  return [a, b];
}

export function trimBlock(block: Block): Block {
  const text = blockText(block);
  const [a, b] = trimmedRange(text, 0, text.length);
  return sliceBlock(block, a, b);
}

/**
 * Whitespace at the edge of a formatted run moves outside it: `** x**` is not bold on every
 * renderer, and a Telegram entity should not start or end with a space. Code keeps its spaces.
 */
export function tidyEdges(spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  spans.forEach((s, i) => {
    if (s.code) return void out.push(s);
    const [a, b] = trimmedRange(s.text, 0, s.text.length);
    const lead = s.text.slice(0, a);
    const core = s.text.slice(a, b);
    const trail = s.text.slice(b);
    const prev = spans[i - 1];
    const next = spans[i + 1];
    if (!core) return void out.push(common(common(s, prev), next, s.text));
    if (lead) out.push(common(s, prev, lead));
    out.push({ ...s, text: core });
    if (trail) out.push(common(s, next, trail));
  });
  return mergeSpans(out);
}

function common(a: Span, b: Span | undefined, text = a.text): Span {
  const s: Span = { text };
  if (a.fromValue) s.fromValue = true;
  if (!b) return s;
  if (a.bold && b.bold) s.bold = true;
  if (a.italic && b.italic) s.italic = true;
  if (a.href !== undefined && a.href === b.href) s.href = a.href;
  return s;
}
