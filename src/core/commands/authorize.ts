import type { Config } from '../../config/types';
import { forbidden, isHeraldError } from '../errors';
import { resolveIdentity, type Actor, type Identity } from '../people';
import { COMMANDS } from './definitions';
import type { ChatEvent, CommandDef } from './types';

/**
 * Whether this command may run here for this person. The dispatcher calls it on every command
 * and button press; adapters ask through the port only to choose between opening a form and
 * answering at once, so the refusal a member sees is always the dispatcher's.
 */
export function authorize(config: Config, def: CommandDef, event: Pick<ChatEvent, 'platform' | 'chatId' | 'actor' | 'edited'>, who: Identity): void {
  if (event.edited) throw forbidden(`Edited messages do not run commands; send /${def.name} again as a new message.`);
  if (def.commsOnly && config.comms[event.platform] !== event.chatId) {
    throw forbidden(`/${def.name} works only in the private comms channel; send it there.`);
  }
  if (def.roles.length && !def.roles.some((r) => who.roles.has(r))) {
    if (event.actor.anonymous) throw forbidden('Anonymous admins cannot use herald; turn off "Remain anonymous" and send the command as yourself.');
    const mine = who.roles.size ? `your roles are ${[...who.roles].join(', ')}` : 'you have no herald role';
    throw forbidden(`/${def.name} needs the ${def.roles.join(' or ')} role and ${mine}; ask an operator to add you in herald.config.yaml.`);
  }
}

/** The same rule as a yes or no, for a command named by the adapter. */
export function mayRun(config: Config, name: string, actor: Actor, chatId: string): boolean {
  const def = COMMANDS[name];
  if (!def) return false;
  try {
    authorize(config, def, { platform: actor.platform, chatId, actor }, resolveIdentity(config, actor));
    return true;
  } catch (err) {
    if (isHeraldError(err)) return false;
    throw err;
  }
}
