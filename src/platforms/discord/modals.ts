import { ComponentType, TextInputStyle, type APIModalInteractionResponseCallbackData } from 'discord.js';
import type { Core } from '../../core/core';
import { usage } from '../../core/commands/define';
import { COMMANDS } from '../../core/commands/definitions';
import { parseVars, splitArgs } from '../../core/commands/parse';
import type { Actor } from '../../core/people';
import { resolveIdentity } from '../../core/people';
import { MAX_VALUE_LENGTH } from '../../core/statement/values';
import { findTemplate, type Template } from '../../core/templates/library';

/** A modal holds at most five inputs. */
export const MODAL_FIELDS = 5;
const FORM_TTL_MS = 15 * 60_000;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * Whether herald would run this command for this member here, read from the command's data. Only
 * used to choose between asking in a form and answering at once: the command layer still decides
 * on the command itself, and its refusal is what a member who may not act sees.
 */
export function mayUse(core: Core, name: string, actor: Actor, chatId: string): boolean {
  const def = COMMANDS[name];
  if (!def) return false;
  if (def.commsOnly && core.config.comms.discord !== chatId) return false;
  const who = resolveIdentity(core.config, actor);
  return def.roles.length === 0 || def.roles.some((r) => who.roles.has(r));
}

export interface DraftForm {
  template: Template;
  values: Record<string, string>;
  missing: string[];
  /** What the member typed, for the log. */
  typed: string;
}

/**
 * A `/draft` whose required variables are missing but fit one form. Anything else (no such
 * template, a malformed or unknown variable, nothing missing, too many missing) goes to the
 * command layer, which answers with the sentence for it.
 */
export function draftForm(core: Core, templateToken: string, varsText: string): DraftForm | null {
  const template = findTemplate(core.library, templateToken);
  if (!template || template.kind !== 'template') return null;
  let values: Record<string, string>;
  try {
    values = parseVars(splitArgs(varsText), usage(COMMANDS.draft!));
  } catch {
    return null;
  }
  if (Object.keys(values).some((n) => !template.variables[n])) return null;
  const missing = Object.entries(template.variables)
    .filter(([n, spec]) => spec.required && !(values[n] ?? '').trim())
    .map(([n]) => n);
  if (missing.length === 0 || missing.length > MODAL_FIELDS) return null;
  return { template, values, missing, typed: varsText };
}

export function draftModal(customId: string, form: DraftForm): APIModalInteractionResponseCallbackData {
  return {
    custom_id: customId,
    title: clip(`Draft ${form.template.id}`, 45),
    components: form.missing.map((name) => {
      const spec = form.template.variables[name]!;
      return {
        type: ComponentType.Label,
        label: clip(name, 45),
        description: clip(spec.description || name, 100),
        component: {
          type: ComponentType.TextInput,
          custom_id: name,
          style: TextInputStyle.Short,
          required: true,
          max_length: MAX_VALUE_LENGTH,
          ...(spec.example ? { placeholder: clip(spec.example, 100) } : {}),
        },
      };
    }),
  };
}

export function rejectModal(customId: string, draftId: number): APIModalInteractionResponseCallbackData {
  return {
    custom_id: customId,
    title: `Reject #${draftId}`,
    components: [
      {
        type: ComponentType.Label,
        label: 'Reason',
        description: 'Shown to the team and kept in the log',
        component: { type: ComponentType.TextInput, custom_id: 'reason', style: TextInputStyle.Paragraph, required: true, max_length: 1000 },
      },
    ],
  };
}

/** Open draft forms by the id of the `/draft` that opened them; a form's answer may come minutes later. */
export class PendingForms {
  private readonly forms = new Map<string, DraftForm & { at: number }>();

  add(key: string, form: DraftForm): void {
    const now = Date.now();
    for (const [k, f] of this.forms) if (now - f.at > FORM_TTL_MS) this.forms.delete(k);
    this.forms.set(key, { ...form, at: now });
  }

  take(key: string): DraftForm | undefined {
    const form = this.forms.get(key);
    this.forms.delete(key);
    return form && Date.now() - form.at <= FORM_TTL_MS ? form : undefined;
  }
}
