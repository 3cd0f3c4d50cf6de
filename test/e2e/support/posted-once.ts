import { expect } from 'vitest';
import { postRequests, type cutParts } from './kill';
import type { Stage } from './stage';

export interface PostedOnce {
  /** Whether Telegram shows a second copy (allowed only where a send was cut off). */
  telegramCopy: boolean;
  /** The last post of this trial's X thread: the next trial's thread answers it. */
  lastX: string;
}

/**
 * Waits until the draft's broadcast is settled and asserts what the public sees: Discord exactly
 * once, X exactly once per part threaded after `previousX`, Telegram at most one copy more and
 * only where the killed process had that send in flight (`cut`, requests before `goneAt`).
 */
export async function expectPostedOnce(s: Stage, n: number, draftId: number, o: { cut: ReturnType<typeof cutParts>; goneAt: number; previousX: string | undefined }): Promise<PostedOnce> {
  const marker = `(trial ${n})`;
  const discordChannel = s.world.discordTargets[0]!;
  const telegramChat = s.world.telegramTargets[0]!;
  const rows = await s.settled(draftId);
  expect(rows.map((d) => [d.targetId, d.status]), `trial ${n}`).toEqual([
    ['discord-announcements', 'sent'],
    ['telegram-channel', 'sent'],
    ['x', 'sent'],
  ]);
  const [discord, telegram, x] = rows.map((d) => s.parts(d.id));

  // Discord: exactly once, whatever was cut off (a cut-off part is first looked for, and resent with its fixed nonce).
  const onDiscord = s.discordPosts(marker, discordChannel);
  expect(onDiscord, `trial ${n}: Discord`).toHaveLength(1);
  expect(discord!.map((p) => p.messageId)).toEqual([onDiscord[0]!.id]);

  // X: one post per part, threaded in order (a resend is refused as a duplicate and recorded as the post already up).
  // Every trial's sev2 belongs to the one incident the first opened, so each thread answers the trial before.
  const onX = s.xPosts(marker);
  expect(onX, `trial ${n}: X`).toHaveLength(3);
  expect(x!.map((p) => p.messageId)).toEqual(onX.map((p) => p.id));
  expect(onX.map((p) => p.in_reply_to_tweet_id)).toEqual([o.previousX, onX[0]!.id, onX[1]!.id]);

  // Telegram: the recorded post is there; a second copy only when the killed process had that send in flight.
  const onTelegram = s.telegramPosts(marker, telegramChat);
  expect(onTelegram.length, `trial ${n}: Telegram`).toBeGreaterThanOrEqual(1);
  expect(onTelegram.length, `trial ${n}: Telegram`).toBeLessThanOrEqual(2);
  expect(onTelegram.map((m) => String(m.message_id))).toContain(telegram![0]!.messageId);
  if (onTelegram.length === 2) {
    const isPost = postRequests(s, marker).telegram;
    const cutOff = s.world.telegram.requestsFor('sendMessage').filter((r) => isPost(r) && r.at < o.goneAt);
    expect(cutOff, `trial ${n}: a Telegram duplicate without a send cut off by the kill`).toHaveLength(1);
    expect(o.cut.some((p) => p.deliveryId === rows[1]!.id)).toBe(true);
  }
  return { telegramCopy: onTelegram.length === 2, lastX: onX[2]!.id };
}
