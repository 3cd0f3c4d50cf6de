import { COMMANDS } from '../../core/commands/definitions';
import type { CommandDef } from '../../core/commands/types';

export interface BotCommandEntry {
  command: string;
  description: string;
}

const entry = (c: CommandDef): BotCommandEntry => ({ command: c.name, description: c.summary.slice(0, 256) });

/**
 * The command menu, from herald's own command data: the comms group lists every command,
 * every other chat only the ones that work outside it (/faq, /help). Menus are a convenience;
 * herald still checks each command itself.
 */
export function commandMenus(commsChatId: string | undefined): Array<{ scope: Record<string, unknown>; commands: BotCommandEntry[] }> {
  const all = Object.values(COMMANDS);
  const menus: Array<{ scope: Record<string, unknown>; commands: BotCommandEntry[] }> = [
    { scope: { type: 'default' }, commands: all.filter((c) => !c.commsOnly).map(entry) },
  ];
  if (commsChatId) menus.push({ scope: { type: 'chat', chat_id: commsChatId }, commands: all.map(entry) });
  return menus;
}
