import { X_LIMIT, xWeightedLength } from '../render';
import { renderTemplate, type RenderContext, type RenderOptions } from '../statement/render';
import type { Template } from '../templates/library';
import { utcMinute } from '../../util/time';

const correctedAt = () => `Corrected ${utcMinute()} UTC.`;

/** `funds_status` as people read it: "Funds status". */
const label = (name: string) => name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' ');

/**
 * The longest start of `text` that fits X's limit followed by `tail` (always kept whole), cut
 * between words so a link is whole or gone.
 */
export function fitPost(text: string, tail = ''): string {
  if (xWeightedLength(text + tail) <= X_LIMIT) return text + tail;
  const words = text.split(/(?<=\s)/);
  let lo = 0;
  let hi = words.length;
  // Binary search on the number of whole words kept, with the ellipsis counted.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (xWeightedLength(`${words.slice(0, mid).join('').trimEnd()}…${tail}`) <= X_LIMIT) lo = mid;
    else hi = mid - 1;
  }
  return `${words.slice(0, lo).join('').trimEnd()}…${tail}`;
}

function xTexts(template: Template, values: Record<string, string>, ctx: RenderContext, options: RenderOptions): string[] | null {
  try {
    return renderTemplate(template, values, ctx, options).x;
  } catch {
    // The published values no longer render (the template changed since): treat X as changed.
    return null;
  }
}

/**
 * What a correction posts on X, where a post cannot be edited: nothing when X's text is the same
 * as published (only the Discord or Telegram wording changed), else ONE post that names the
 * changed values and their new text, rather than the whole thread again.
 */
export function xCorrection(
  template: Template,
  before: Record<string, string>,
  after: Record<string, string>,
  ctx: RenderContext,
  options: { drill?: string | undefined; base: RenderOptions },
): string[] {
  const was = xTexts(template, before, ctx, options.base);
  const now = renderTemplate(template, after, ctx, options.base).x;
  if (was && was.length === now.length && was.every((t, i) => t === now[i])) return [];
  const changed = Object.keys(template.variables).filter((n) => (before[n] ?? '') !== (after[n] ?? ''));
  const lines = [`${options.drill ? `[${options.drill}] ` : ''}Correction: we changed ${changed.length ? changed.map((n) => label(n).toLowerCase()).join(', ') : 'the wording'} in the update above.`];
  for (const n of changed) lines.push(`${label(n)}: ${after[n] || '(removed)'}`);
  return [fitPost(lines.join('\n'), `\n${correctedAt()}`)];
}
