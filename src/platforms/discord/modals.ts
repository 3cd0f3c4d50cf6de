import { ComponentType, TextInputStyle, type APIModalInteractionResponseCallbackData } from 'discord.js';
import type { DraftForm } from '../../core/commands/forms';
import { MAX_VALUE_LENGTH } from '../../core/statement/values';

const FORM_TTL_MS = 15 * 60_000;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

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
