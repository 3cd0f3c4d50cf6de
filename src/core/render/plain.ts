import { hrefRuns, textIsHref } from './links-text';
import type { Block, Doc } from './types';

/**
 * The statement as plain text, for logs, previews and the audit timeline: no markup, links
 * as `text (url)` (or the URL alone when the text is the URL), paragraphs separated by a blank line.
 */
export function docToPlainText(doc: Doc): string {
  return doc.blocks.map((b) => blockToPlain(b)).join('\n\n');
}

export function blockToPlain(block: Block, linkSeparator: 'parens' | 'space' = 'parens'): string {
  return hrefRuns(block.spans)
    .map(({ href, spans }) => {
      const text = spans.map((s) => s.text).join('');
      if (href === undefined) return text;
      if (textIsHref(text, href)) return href;
      return linkSeparator === 'parens' ? `${text} (${href})` : `${text} ${href}`;
    })
    .join('');
}
