import { desc } from 'drizzle-orm';
import { drafts } from '../../store/schema';
import { mayRun } from '../commands/authorize';
import { COMMANDS } from '../commands/definitions';
import type { Core } from '../core';
import { describeStatus, PENDING } from '../drafts/states';
import type { Actor } from '../people';

export interface SuggestRequest {
  command: string;
  /** The argument's name in the command's data. */
  arg: string;
  typed: string;
  actor: Actor;
  chatId: string;
}

export interface Suggestion {
  value: string;
  label: string;
  detail: string;
}

const MAX_SUGGESTIONS = 25;
const matches = (typed: string, ...fields: string[]) => {
  const t = typed.trim().toLowerCase().replace(/^#/, '');
  return !t || fields.some((f) => f.toLowerCase().includes(t));
};

/**
 * Values for a template, draft or FAQ topic argument. Drafts and templates are suggested only to
 * people who may use the command where they are typing it: a draft's existence is itself news
 * before it is published.
 */
export function suggestions(core: Core, request: SuggestRequest): Suggestion[] {
  const def = COMMANDS[request.command];
  const spec = def?.args.find((a) => a.name === request.arg);
  if (!def || !spec) return [];
  const { typed } = request;
  if (spec.kind === 'topic') {
    return [...core.library.faq.values()].filter((t) => matches(typed, t.name, t.title)).slice(0, MAX_SUGGESTIONS).map((t) => ({ value: t.name, label: t.name, detail: t.title }));
  }
  if (!mayRun(core.config, def.name, request.actor, request.chatId)) return [];
  if (spec.kind === 'template') {
    return [...core.library.templates.values()].filter((t) => matches(typed, t.id, t.title)).slice(0, MAX_SUGGESTIONS).map((t) => ({ value: t.id, label: t.id, detail: t.title }));
  }
  if (spec.kind === 'draft') {
    const rows = core.db.select().from(drafts).orderBy(desc(drafts.id)).limit(200).all();
    // Drafts waiting for someone come first.
    const ordered = [...rows.filter((d) => PENDING.includes(d.status)), ...rows.filter((d) => !PENDING.includes(d.status))];
    return ordered
      .filter((d) => matches(typed, String(d.id), d.templateId))
      .slice(0, MAX_SUGGESTIONS)
      .map((d) => ({ value: String(d.id), label: `#${d.id} ${d.templateId}`, detail: `${describeStatus(d.status)}, by ${d.authorName}` }));
  }
  return [];
}
