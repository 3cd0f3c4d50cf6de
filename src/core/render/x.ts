import twitter from 'twitter-text';
import { blockToPlain } from './plain';
import { splitDoc } from './split';
import type { Block, Doc, LimitOptions } from './types';
import { urlRanges } from './urls';

/**
 * X: plain text, no formatting; a link is written `text url` (just the URL when the text is
 * the URL). Length is X's weighted length from twitter-text's parseTweet (any URL counts 23,
 * CJK and emoji weigh 2). A statement that does not fit one post becomes a thread whose posts
 * each end with their number on a line of its own (`…\n2/3`); the number is counted.
 */
export const X_LIMIT = 280;

export function xWeightedLength(text: string): number {
  return twitter.parseTweet(text).weightedLength;
}

export function toXThread(doc: Doc, opts: LimitOptions = {}): string[] {
  const limit = opts.limit ?? X_LIMIT;
  if (!Number.isInteger(limit) || limit < 16) throw new RangeError(`post limit must be an integer ≥ 16, got ${limit}`);
  const plain: Doc = { blocks: doc.blocks.map((b) => ({ spans: [{ text: blockToPlain(b, 'space') }] })) };
  const render = (blocks: Block[]) => blocks.map((b) => b.spans.map((s) => s.text).join('')).join('\n\n');
  if (!plain.blocks.length) return [];
  const whole = render(plain.blocks);
  const label = opts.label ? `${opts.label} ` : '';
  if (label && xWeightedLength(`${whole}\n${opts.label}`) <= limit) return [`${whole}\n${opts.label}`];
  if (!label && xWeightedLength(whole) <= limit) return [whole];

  // The numbering's width depends on how many posts there are: reserve room for d-digit
  // numbers and try again with one more digit if the thread turned out longer than that.
  for (let digits = 1; digits <= 4; digits++) {
    const widest = `\n${label}${'9'.repeat(digits)}/${'9'.repeat(digits)}`;
    const parts = splitDoc(plain, limit, (blocks) => xWeightedLength(render(blocks) + widest), urlRanges);
    if (String(parts.length).length > digits) continue;
    return parts.map((blocks, i) => `${render(blocks)}\n${label}${i + 1}/${parts.length}`);
  }
  throw new RangeError('statement is too long for an X thread');
}
