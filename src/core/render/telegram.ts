import { checkLimit } from './discord';
import { splitDoc } from './split';
import { tidyEdges } from './spans';
import type { Block, Doc, LimitOptions, Span, TelegramEntity, TelegramPart } from './types';
import { urlRanges } from './urls';
import { walkSpans, type Mark } from './walk';

/**
 * Telegram: plain text plus MessageEntity objects, so nothing in the text is ever parsed as
 * markup (values cannot format anything). Offsets and lengths are UTF-16 code units, as the
 * Bot API defines them. The 4,096 limit is also counted in UTF-16 code units: that is never
 * less than what Telegram counts, so a part that passes here is never "message is too long".
 */
export const TELEGRAM_LIMIT = 4096;

type EntityType = TelegramEntity['type'];

export function toTelegram(doc: Doc, opts: LimitOptions = {}): TelegramPart[] {
  const limit = checkLimit(opts.limit ?? TELEGRAM_LIMIT);
  const measure = (blocks: Block[]) => blocks.reduce((n, b, i) => n + (i ? 2 : 0) + textLength(b), 0);
  return splitDoc(doc, limit, measure, urlRanges).map(renderPart);
}

const textLength = (b: Block) => b.spans.reduce((n, s) => n + s.text.length, 0);

function renderPart(blocks: Block[]): TelegramPart {
  let text = '';
  const entities: TelegramEntity[] = [];
  const open: Array<{ type: EntityType; offset: number; url?: string }> = [];
  blocks.forEach((block, i) => {
    if (i) text += '\n\n';
    walkSpans(tidyEdges(block.spans.map(telegramSpan)), {
      open(mark: Mark) {
        const type: EntityType = mark.kind === 'link' ? 'text_link' : mark.kind;
        open.push(mark.kind === 'link' ? { type, offset: text.length, url: mark.href } : { type, offset: text.length });
      },
      close() {
        const e = open.pop()!;
        const length = text.length - e.offset;
        if (!text.slice(e.offset).trim()) return;
        entities.push(
          e.type === 'text_link'
            ? { type: 'text_link', offset: e.offset, length, url: e.url! }
            : { type: e.type, offset: e.offset, length },
        );
      },
      text(span: Span) {
        text += span.text;
      },
    });
  });
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

/**
 * Telegram lets bold and italic nest in anything except code, and code contain nothing: a
 * link keeps its link (losing the code look), code keeps its code (losing bold/italic).
 */
function telegramSpan(s: Span): Span {
  if (!s.code) return s;
  const { code: _code, bold: _bold, italic: _italic, ...rest } = s;
  if (s.href !== undefined) return { ...rest, ...(s.bold && { bold: true }), ...(s.italic && { italic: true }) };
  return { ...rest, code: true };
}
