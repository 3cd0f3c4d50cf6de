import { GuildMember, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { COMMANDS } from '../../core/commands/definitions';
import type { ChatEvent } from '../../core/commands/types';
import type { Actor } from '../../core/people';
import { optionName } from './commands';

/** Who pressed or typed, with the roles the member holds in that server (herald maps role ids to its roles). */
export function actorOf(interaction: Interaction): Actor {
  const member = interaction.member;
  let roleIds: string[] = [];
  let displayName = interaction.user.globalName ?? interaction.user.username;
  if (member instanceof GuildMember) {
    roleIds = [...member.roles.cache.keys()].filter((id) => id !== interaction.guildId);
    displayName = member.displayName;
  } else if (member) {
    roleIds = [...member.roles];
    displayName = member.nick ?? displayName;
  }
  return { platform: 'discord', userId: interaction.user.id, displayName, roleIds };
}

/** The platform-free event for one interaction: its id makes a redelivery a replay. */
export function chatEvent(interaction: Interaction, input: Pick<ChatEvent, 'name' | 'args' | 'raw' | 'via'> & { revision?: number }): ChatEvent {
  return {
    platform: 'discord',
    eventId: interaction.id,
    chatId: interaction.channelId ?? '',
    actor: actorOf(interaction),
    ...input,
  };
}

/**
 * A slash command as the command layer reads structured input: each option's value under the
 * name of the argument it fills, and a readable raw rendering with the option names, for the log.
 */
export function commandInput(interaction: ChatInputCommandInteraction): Pick<ChatEvent, 'name' | 'args' | 'raw' | 'via'> {
  const given = interaction.options.data;
  const def = COMMANDS[interaction.commandName];
  const fields: Record<string, string> = {};
  for (const spec of def?.args ?? []) {
    const v = given.find((o) => o.name === optionName(spec))?.value;
    if (v !== undefined && v !== null && String(v).trim()) fields[spec.name] = String(v).trim();
  }
  const raw = [`/${interaction.commandName}`, ...given.map((o) => `${o.name}:${String(o.value ?? '')}`)].join(' ');
  return { name: interaction.commandName, args: { fields }, raw, via: 'command' };
}

const QUOTES: Array<[string, string[]]> = [
  ['"', ['"']],
  ["'", ["'"]],
  ['“', ['”', '"']],
  ['‘', ['’']],
];

/**
 * A form value as the log shows it, the way a member would have typed it: bare when it can be,
 * otherwise in the first kind of quote that does not occur inside it. Only for reading; the
 * values themselves reach the command layer as fields.
 */
export function typedValue(value: string): string {
  if (value !== '' && !/\s/.test(value) && !/^["'“”‘’„]/.test(value)) return value;
  for (const [open, closers] of QUOTES) {
    const close = closers[0]!;
    if (!closers.some((c) => value.includes(c))) return `${open}${value}${close}`;
  }
  return JSON.stringify(value);
}
