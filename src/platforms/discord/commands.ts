import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandOption,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import { SEVERITIES } from '../../config/schema';
import { COMMANDS } from '../../core/commands/definitions';
import type { ArgKind, ArgSpec, CommandDef } from '../../core/commands/types';

/** The message context-menu command moderators use to answer a question with an FAQ entry. */
export const FAQ_MENU = 'Answer with FAQ';

/** Options autocompleted from herald's data (the library, the drafts). */
export const AUTOCOMPLETED: ReadonlySet<ArgKind> = new Set(['template', 'draft', 'topic']);

/** The variables option is `vars` on every command, as the operator docs say; the rest keep their data names. */
export const optionName = (spec: ArgSpec): string => (spec.kind === 'vars' ? 'vars' : spec.name);

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function option(spec: ArgSpec): APIApplicationCommandOption {
  const base = {
    type: ApplicationCommandOptionType.String as const,
    name: optionName(spec),
    description: clip(spec.description, 100),
    required: spec.required,
  };
  if (spec.kind === 'severity') return { ...base, choices: SEVERITIES.map((s) => ({ name: s, value: s })) };
  return { ...base, ...(AUTOCOMPLETED.has(spec.kind) ? { autocomplete: true as const } : {}) };
}

/** One slash command per herald command, from the command layer's data; Discord wants required options first. */
export function slashCommand(def: CommandDef): RESTPostAPIApplicationCommandsJSONBody {
  const args = [...def.args.filter((a) => a.required), ...def.args.filter((a) => !a.required)];
  return {
    type: ApplicationCommandType.ChatInput,
    name: def.name,
    description: clip(def.summary, 100),
    ...(args.length ? { options: args.map(option) } : {}),
  };
}

/**
 * Everything herald registers in each configured server. No default_member_permissions: who
 * may do what is herald's decision on every use, whatever the server's integration settings say.
 */
export function commandData(): RESTPostAPIApplicationCommandsJSONBody[] {
  return [...Object.values(COMMANDS).map(slashCommand), { type: ApplicationCommandType.Message, name: FAQ_MENU }];
}
