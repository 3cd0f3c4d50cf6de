import { unmaskSelfLinks } from './links-text';
import { splitDoc } from './split';
import { blockText, tidyEdges } from './spans';
import type { Block, Doc, LimitOptions, Span } from './types';
import { schemeUrlRanges, type Range } from './urls';
import { walkSpans, type Mark } from './walk';

/**
 * Discord Markdown. Every character of text is escaped, so only the template's own spans
 * format; URLs are left as they are (an escape inside a URL would break the link). Mentions
 * are neutralised with a zero-width space, which Discord shows as nothing: `@everyone`,
 * `<@123>`, `<@&1>`, `<#1>`, `</cmd:1>`, `<t:…>` read literally and ping no one, even without
 * allowed_mentions.
 *
 * Length is counted in Unicode code points, as Discord's API does (it is Python 3 and
 * measures `len(str)`; discord-api-docs#1315).
 */
export const DISCORD_LIMIT = 2000;

// Inline markup anywhere; `>`, `#` and `-` are markup only at the start of a line (quote,
// heading, list, subtext) and are escaped only there, so dates and (asides) read cleanly in
// notifications, which show the raw text. A masked link needs `[`, which is always escaped.
const SPECIAL = /[\\*_~`|[\]]/gu;
const ZWSP = '\u200B';

export function toDiscord(doc: Doc, opts: LimitOptions = {}): string[] {
  const limit = checkLimit(opts.limit ?? DISCORD_LIMIT);
  const render = (blocks: Block[]) => blocks.map(renderBlock).join('\n\n');
  return splitDoc(doc, limit, (blocks) => discordLength(render(blocks)), schemeUrlRanges).map(render);
}

export const discordLength = (text: string) => codePoints(text);

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 16) throw new RangeError(`message limit must be an integer ≥ 16, got ${limit}`);
  return limit;
}

function renderBlock(block: Block): string {
  const spans = tidyEdges(unmaskSelfLinks(block.spans));
  const urls = schemeUrlRanges(blockText({ spans }));
  let out = '';
  let pos = 0; // offset in the block's text, to know which characters are inside a URL
  let code: string | null = null;
  walkSpans(spans, {
    open(mark: Mark) {
      if (mark.kind === 'code') code = '';
      else out += mark.kind === 'link' ? '[' : MARK[mark.kind];
    },
    close(mark: Mark) {
      if (mark.kind === 'code') {
        out += fenceCode(code ?? '');
        code = null;
      } else out += mark.kind === 'link' ? `](${linkTarget(mark.href)})` : MARK[mark.kind];
    },
    text(span: Span) {
      if (code !== null) code += span.text;
      else out += escapeText(span.text, pos, urls);
      pos += span.text.length;
    },
  });
  return neutraliseMentions(escapeLineStarts(out));
}

const MARK = { bold: '**', italic: '_' } as const;

function escapeText(text: string, offset: number, urls: readonly Range[]): string {
  let out = '';
  let from = 0;
  for (const r of urls) {
    const a = Math.max(0, r.start - offset);
    const b = Math.min(text.length, r.end - offset);
    if (b <= from || a >= text.length) continue;
    out += escapePlain(text.slice(from, a)) + text.slice(a, b);
    from = b;
    // A ")" right after a URL stays bare: Discord would take "\" into the URL, and a lone ")"
    // cannot make a masked link because its "[" and "](" are escaped.
    if (r.end - offset === b && text[b] === ')') {
      out += ')';
      from = b + 1;
    }
  }
  return out + escapePlain(text.slice(from));
}

const escapePlain = (text: string) => text.replace(SPECIAL, '\\$&');

/** Inside backticks nothing is escaped, so the fence must be longer than any backtick run. */
function fenceCode(content: string): string {
  const longest = Math.max(0, ...Array.from(content.matchAll(/`+/gu), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** Characters that would end or confuse the `(url)` part are percent-encoded. */
function linkTarget(href: string): string {
  return href.replace(/[()<>\s]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** At the start of a line: `1. ` is a numbered list, `> ` a quote, `# ` a heading, `- ` a list, `-# ` subtext. */
function escapeLineStarts(text: string): string {
  return text.replace(/^(\s*\d+)\.(?=\s)/gmu, '$1\\.').replace(/^(\s*)([>#-])/gmu, '$1\\$2');
}

export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)\b/giu, `@${ZWSP}$1`).replace(/<(?=\S)/gu, `<${ZWSP}`);
}
