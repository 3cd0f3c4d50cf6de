import { desc } from 'drizzle-orm';
import type { AutocompleteInteraction, ApplicationCommandOptionChoiceData } from 'discord.js';
import { COMMANDS } from '../../core/commands/definitions';
import type { Core } from '../../core/core';
import { describeStatus, PENDING } from '../../core/drafts/states';
import { drafts } from '../../store/schema';
import { actorOf } from './chat-event';
import { optionName } from './commands';
import { mayUse } from './modals';

const MAX_CHOICES = 25;
const clip = (text: string) => (text.length <= 100 ? text : `${text.slice(0, 99)}…`);
const matches = (typed: string, ...fields: string[]) => {
  const t = typed.trim().toLowerCase().replace(/^#/, '');
  return !t || fields.some((f) => f.toLowerCase().includes(t));
};

/**
 * Suggestions for template, draft and FAQ topic options. Drafts and templates are suggested only
 * to members who may use the command where they are typing it: a draft's existence is itself news
 * before it is published.
 */
export function suggestions(core: Core, interaction: AutocompleteInteraction): ApplicationCommandOptionChoiceData<string>[] {
  const def = COMMANDS[interaction.commandName];
  const focused = interaction.options.getFocused(true);
  const spec = def?.args.find((a) => optionName(a) === focused.name);
  if (!def || !spec) return [];
  const typed = String(focused.value ?? '');
  if (spec.kind === 'topic') {
    return [...core.library.faq.values()].filter((t) => matches(typed, t.name, t.title)).slice(0, MAX_CHOICES).map((t) => ({ name: clip(`${t.name} — ${t.title}`), value: t.name }));
  }
  if (!mayUse(core, def.name, actorOf(interaction), interaction.channelId ?? '')) return [];
  if (spec.kind === 'template') {
    return [...core.library.templates.values()].filter((t) => matches(typed, t.id, t.title)).slice(0, MAX_CHOICES).map((t) => ({ name: clip(`${t.id} — ${t.title}`), value: t.id }));
  }
  if (spec.kind === 'draft') {
    const rows = core.db.select().from(drafts).orderBy(desc(drafts.id)).limit(200).all();
    // Drafts waiting for someone come first.
    const ordered = [...rows.filter((d) => PENDING.includes(d.status)), ...rows.filter((d) => !PENDING.includes(d.status))];
    return ordered
      .filter((d) => matches(typed, String(d.id), d.templateId))
      .slice(0, MAX_CHOICES)
      .map((d) => ({ name: clip(`#${d.id} ${d.templateId} — ${describeStatus(d.status)}, by ${d.authorName}`), value: String(d.id) }));
  }
  return [];
}
