/**
 * When herald raises an unratified break-glass publication: at once (the comms channel is told
 * when it happens), when the ratification window closes, then every few minutes until a second
 * approver ratifies it. Pure, like the promise schedule, so a row and any clock drive it.
 */

export const CHASE_EVERY_MINUTES = 5;
const MINUTE = 60_000;

export interface ChaseState {
  usedAt: Date;
  ratifyBy: Date;
  lastReminderAt: Date | null;
}

export interface Chase {
  at: Date;
  kind: 'used' | 'due' | 'overdue';
}

/** The chase to send next; its `at` at or before `now` means now (only the latest missed slot). */
export function nextChase(s: ChaseState, now: Date): Chase {
  const slotAt = (k: number): Chase => ({ at: new Date(s.ratifyBy.getTime() + k * CHASE_EVERY_MINUTES * MINUTE), kind: k === 0 ? 'due' : 'overdue' });
  if (!s.lastReminderAt) return { at: s.usedAt, kind: 'used' };
  const since = Math.floor((now.getTime() - s.ratifyBy.getTime()) / (CHASE_EVERY_MINUTES * MINUTE));
  if (since >= 0) {
    const latest = slotAt(since);
    if (latest.at > s.lastReminderAt) return latest;
    return slotAt(since + 1);
  }
  return slotAt(0);
}
