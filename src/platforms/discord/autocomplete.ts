import type { AutocompleteInteraction, ApplicationCommandOptionChoiceData } from 'discord.js';
import { COMMANDS } from '../../core/commands/definitions';
import type { ChatPort } from '../../core/port';
import { actorOf } from './chat-event';
import { optionName } from './commands';

const clip = (text: string) => (text.length <= 100 ? text : `${text.slice(0, 99)}…`);

/** Discord's autocomplete for the focused option, from the core's suggestions for that argument. */
export function suggestions(port: ChatPort, interaction: AutocompleteInteraction): ApplicationCommandOptionChoiceData<string>[] {
  const focused = interaction.options.getFocused(true);
  const spec = COMMANDS[interaction.commandName]?.args.find((a) => optionName(a) === focused.name);
  if (!spec) return [];
  return port
    .suggest({ command: interaction.commandName, arg: spec.name, typed: String(focused.value ?? ''), actor: actorOf(interaction), chatId: interaction.channelId ?? '' })
    .map((s) => ({ name: clip(`${s.label} — ${s.detail}`), value: s.value }));
}
