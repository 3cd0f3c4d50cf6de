import type { ChatPlatform, Config, Role } from '../config/types';
import { platformName } from '../config/schema';

/** Someone who sent a command or pressed a button, as the platform told us. */
export interface Actor {
  platform: ChatPlatform;
  userId: string;
  displayName: string;
  /** Discord role ids the member holds in the guild the event came from. */
  roleIds?: string[];
  /** Telegram's anonymous group admin, or a message sent on behalf of a chat: never authorised. */
  anonymous?: boolean;
}

export interface Identity {
  /** One person across platforms: the configured name where linked, else platform:user id. */
  key: string;
  name: string;
  roles: Set<Role>;
}

export function resolveIdentity(config: Pick<Config, 'people' | 'discordRoles'>, actor: Actor): Identity {
  const roles = new Set<Role>();
  // Names come from the configuration, never from the platform: anyone can call themselves "alice" there.
  if (actor.anonymous) return { key: `${actor.platform}:anonymous`, name: `an anonymous ${platformName(actor.platform)} admin`, roles };
  let key = `${actor.platform}:${actor.userId}`;
  let name = `${platformName(actor.platform)} user ${actor.userId}`;
  for (const [personName, person] of Object.entries(config.people)) {
    if (person[actor.platform] === actor.userId) {
      key = personName;
      name = personName;
      for (const r of person.roles) roles.add(r);
    }
  }
  if (actor.platform === 'discord') {
    for (const roleId of actor.roleIds ?? []) for (const r of config.discordRoles[roleId] ?? []) roles.add(r);
  }
  return { key, name, roles };
}
