import type { Config } from '../../config/types';
import { invalidInput } from '../errors';
import {
  checkLinks,
  DISCORD_LIMIT,
  TELEGRAM_LIMIT,
  X_LIMIT,
  docToPlainText,
  parseStatement,
  toDiscord,
  toTelegram,
  toXThread,
  xWeightedLength,
  type Doc,
  type TelegramEntity,
} from '../render';
import { onOfficialUrls } from '../render/official';
import { ORG_FIELDS, LATEST_FIELDS, COMPROMISED_FIELD } from '../templates/handlebars';
import type { Template } from '../templates/library';
import { canonicalJson } from '../../util/canonical-json';
import { sha256 } from '../../util/hash';

export type TelegramPart = { text: string; entities: TelegramEntity[] };

/** One statement as each platform will receive it. */
export interface Rendered {
  discord: string[];
  telegram: TelegramPart[];
  x: string[];
  /** The main text without markup, for logs and the audit timeline. */
  plain: string;
  /** A retraction's public notice, posted where the statement was once its posts are deleted. */
  notice?: Omit<Rendered, 'notice'>;
}

export type RenderContext = Pick<Config, 'org' | 'officialDomains' | 'officialUrls' | 'officialAddresses' | 'officialHandles'>;
export type LatestInfo = Partial<Record<(typeof LATEST_FIELDS)[number], string>>;

export const LIMITS = { discord: DISCORD_LIMIT, telegram: TELEGRAM_LIMIT, x: X_LIMIT } as const;

/**
 * Values go into the template as opaque tokens, so the markup parser sees only the template's
 * own markup; the literal values replace the tokens afterwards. A value can never add a link,
 * a mention or formatting that the template did not have.
 */
function tokenContext(template: Template, values: Record<string, string>, ctx: RenderContext, latest?: LatestInfo | null, compromised?: string) {
  const tokens: string[] = [];
  const tok = (v: string | undefined) => {
    if (!v) return '';
    tokens.push(v);
    return `\uE000${tokens.length - 1}\uE001`;
  };
  const context: Record<string, unknown> = {};
  for (const name of Object.keys(template.variables)) context[name] = tok(values[name]);
  const org: Record<string, string> = {};
  for (const f of ORG_FIELDS) org[f] = tok(ctx.org[f]);
  context.org = org;
  if (template.kind === 'faq') {
    if (latest) {
      const l: Record<string, string> = {};
      for (const f of LATEST_FIELDS) l[f] = tok(latest[f]);
      context.latest = l;
    } else context.latest = null;
    context[COMPROMISED_FIELD] = tok(compromised);
  }
  return { context, tokens };
}

function guardLinks(doc: Doc, ctx: RenderContext): void {
  const result = checkLinks(doc, ctx.officialDomains);
  if (result.ok) return;
  const offending = result.offending.filter((u) => !onOfficialUrls(u, ctx.officialUrls));
  if (offending.length) {
    throw invalidInput(
      `The statement links to ${offending.join(', ')}, which is not on an official domain (${ctx.officialDomains.join(', ')}); use an official link instead.`,
    );
  }
}

export interface RenderOptions {
  latest?: LatestInfo | null;
  /** FAQ entries: the channels marked compromised, named ("our X account @acmefinance"). */
  compromised?: string;
  /** Extra blocks around the statement: a correction's notice, a drill marker. */
  prefix?: string;
  suffix?: string;
  /** X: a word before each post's numbering, so a correction's posts never repeat the original's text. */
  xLabel?: string;
}

export function renderTemplate(template: Template, values: Record<string, string>, ctx: RenderContext, options: RenderOptions = {}): Rendered {
  const { context, tokens } = tokenContext(template, values, ctx, options.latest, options.compromised);
  const wrap = (body: string) => [options.prefix, body, options.suffix].filter(Boolean).join('\n\n');
  const mainDoc = parseStatement(wrap(template.main(context)), tokens);
  const xSection = template.variants.x;
  const xDoc = xSection ? parseStatement(wrap(xSection(context)), tokens) : mainDoc;
  const plain = docToPlainText(mainDoc).trim();
  if (!plain) throw invalidInput(`${template.id} renders an empty statement with these values; fill in its variables.`);
  // herald's own post is trusted wherever it lives (a discord.com or t.me link).
  const guard = options.latest?.link ? { ...ctx, officialUrls: [...ctx.officialUrls, options.latest.link] } : ctx;
  guardLinks(mainDoc, guard);
  if (xDoc !== mainDoc) guardLinks(xDoc, guard);
  return {
    discord: toDiscord(mainDoc, { limit: LIMITS.discord }),
    telegram: toTelegram(mainDoc, { limit: LIMITS.telegram }),
    x: toXThread(xDoc, { limit: LIMITS.x, ...(options.xLabel ? { label: options.xLabel } : {}) }),
    plain,
  };
}

/** What one platform receives of a rendering. */
export function contentFor(rendered: Pick<Rendered, 'discord' | 'telegram' | 'x'>, platform: string): Array<string | TelegramPart> {
  return platform === 'discord' ? rendered.discord : platform === 'telegram' ? rendered.telegram : platform === 'x' ? rendered.x : [];
}

/** What approvals are bound to: exactly the text each platform would receive. */
export function contentHash(rendered: Rendered): string {
  return sha256(canonicalJson({ discord: rendered.discord, telegram: rendered.telegram, x: rendered.x }));
}

export interface PlatformSummary {
  platform: 'discord' | 'telegram' | 'x';
  parts: number;
  lengths: number[];
  limit: number;
  unit: string;
}

export function summarise(rendered: Rendered): PlatformSummary[] {
  return [
    { platform: 'discord', parts: rendered.discord.length, lengths: rendered.discord.map((t) => [...t].length), limit: LIMITS.discord, unit: 'characters' },
    { platform: 'telegram', parts: rendered.telegram.length, lengths: rendered.telegram.map((p) => p.text.length), limit: LIMITS.telegram, unit: 'characters' },
    { platform: 'x', parts: rendered.x.length, lengths: rendered.x.map(xWeightedLength), limit: LIMITS.x, unit: 'weighted characters' },
  ];
}
