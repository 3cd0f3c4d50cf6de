import { parseStatement, valueToken } from '../../src/core/render';

/** A plain English sentence of about 80 characters, distinct per n so order is checkable. */
export const sentence = (n: number) => `Update ${n}: the team has paused the affected pools and is tracing the funds.`;

/** A paragraph of `count` sentences starting at `from`. */
export const paragraph = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');

/** Template source whose `{{name}}` placeholders become tokens, as the loader produces them. */
export function template(source: string, values: Record<string, string> = {}) {
  const list: string[] = [];
  const marked = source.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    list.push(values[name] ?? '');
    return valueToken(list.length - 1);
  });
  return parseStatement(marked, list);
}

/** What a Discord reader sees of escaped text: backslash escapes resolved, zero-width spaces invisible. */
export const discordDisplay = (markdown: string) =>
  markdown.replace(/\\([^\p{L}\p{N}\s])/gu, '$1').replace(/\u200B/g, '');
