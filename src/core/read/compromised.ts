import { asc, isNull } from 'drizzle-orm';
import { compromisedTargets as marks } from '../../store/schema';
import type { DbOrTx } from '../../store/db';

/** A target marked compromised now: what the status site's banner and FAQ answers name. */
export interface CompromisedTarget {
  targetId: string;
  platform: string;
  /** As the public statement names it: "our X account @acmefinance". */
  channel: string;
  /** What happened, as the drafter wrote it and the approvers approved it. */
  what: string;
  /** ISO time the mark took effect. */
  since: string;
  /** The drafter and approvers, by name. */
  by: string;
  /** The /compromised draft whose approval set the mark. */
  draftId: number;
}

/** Every target marked compromised and not restored, oldest mark first. */
export function compromisedTargets(db: DbOrTx): CompromisedTarget[] {
  return db
    .select()
    .from(marks)
    .where(isNull(marks.restoredAt))
    .orderBy(asc(marks.id))
    .all()
    .map((m) => ({ targetId: m.targetId, platform: m.platform, channel: m.channel, what: m.what, since: m.since, by: m.markedBy, draftId: m.draftId }));
}

/** The channels not to trust, in one phrase ("our X account @acmefinance and our Telegram channel"), or empty. */
export function untrustedChannels(db: DbOrTx): string {
  const names = compromisedTargets(db).map((m) => m.channel);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
