import type { Tx } from '../../store/db';
import type { Core } from '../core';
import type { Actor, Identity } from '../people';

/** Who is acting, where, and the transaction the verb's change and its audit event share. */
export interface VerbContext {
  core: Core;
  tx: Tx;
  who: Identity;
  actor: Actor;
  chatId: string;
}

export const auditBase = (v: VerbContext, draftId: number | null) => ({
  actor: v.who.key,
  platform: v.actor.platform,
  chatId: v.chatId,
  draftId,
});
