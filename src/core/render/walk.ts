import type { Span } from './types';

/**
 * Turns flat spans into properly nested open/close events, the way an HTML serialiser does:
 * formatting that a split, a link or a code span interrupts is closed and reopened, so every
 * renderer (Markdown markers, Telegram entities, HTML tags) gets well-nested output for free.
 */
export type Mark = { kind: 'link'; href: string } | { kind: 'bold' | 'italic' | 'code' };

export interface Sink {
  open(mark: Mark): void;
  close(mark: Mark): void;
  text(span: Span): void;
}

const ORDER = { link: 0, bold: 1, italic: 2, code: 3 } as const;

export function marksOf(s: Span): Mark[] {
  const marks: Mark[] = [];
  if (s.href !== undefined) marks.push({ kind: 'link', href: s.href });
  if (s.bold) marks.push({ kind: 'bold' });
  if (s.italic) marks.push({ kind: 'italic' });
  if (s.code) marks.push({ kind: 'code' });
  return marks;
}

const same = (a: Mark, b: Mark) =>
  a.kind === b.kind && (a.kind !== 'link' || (b.kind === 'link' && a.href === b.href));

/** How many spans from i on carry the mark: the longer run is opened first, so it encloses. */
function extent(spans: readonly Span[], i: number, mark: Mark): number {
  let n = 0;
  while (i + n < spans.length && marksOf(spans[i + n]!).some((m) => same(m, mark))) n++;
  return n;
}

export function walkSpans(spans: readonly Span[], sink: Sink): void {
  const stack: Mark[] = [];
  const closeFrom = (k: number) => {
    while (stack.length > k) sink.close(stack.pop()!);
  };
  spans.forEach((span, i) => {
    const want = marksOf(span);
    const unwanted = stack.findIndex((m) => !want.some((w) => same(w, m)));
    if (unwanted >= 0) closeFrom(unwanted);
    let missing = want.filter((w) => !stack.some((m) => same(m, w)));
    // Code is verbatim on every platform, so nothing may open inside it.
    const code = stack.findIndex((m) => m.kind === 'code');
    if (missing.length && code >= 0) {
      closeFrom(code);
      missing = want.filter((w) => !stack.some((m) => same(m, w)));
    }
    missing
      .map((m) => ({ m, n: m.kind === 'code' ? 0 : extent(spans, i, m) }))
      .sort((a, b) => b.n - a.n || ORDER[a.m.kind] - ORDER[b.m.kind])
      .forEach(({ m }) => {
        sink.open(m);
        stack.push(m);
      });
    sink.text(span);
  });
  closeFrom(0);
}
