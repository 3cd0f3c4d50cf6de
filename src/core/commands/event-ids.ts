/**
 * Telegram's update ids are not forever: a new bot, or one whose pending updates were dropped,
 * starts counting again. The replay guard therefore keys a Telegram event by what the update
 * carries (chat and message, or the callback query), and keeps the update id in front only to
 * notice a restart.
 */
export const telegramEventId = (updateId: number, key: string) => `${updateId}/${key}`;

/** The update id at the front of a Telegram event id (older receipts are the bare update id). */
export function telegramUpdateId(eventId: string): number | null {
  const m = /^(\d+)(?:\/|$)/u.exec(eventId);
  return m ? Number(m[1]) : null;
}
