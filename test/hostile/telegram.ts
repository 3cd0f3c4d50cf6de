import { expect } from 'vitest';
import { approvals, broadcasts, deliveries, drafts, revisions } from '../../src/store/schema';
import { CHANNEL_ID, COMMS_ID, startWorld, withBackticks, type Person, type World, type WorldOptions } from '../platforms/telegram/world';

/**
 * The hostile tables drive herald through the real Telegram adapter against the loopback Bot
 * API: a command typed in the comms group, herald's answer read back from the group.
 */

export const SEV3 = (impact: string, extra = '') => `/draft sev3/incident-minor affected="the rewards dashboard" impact="${impact}"${extra ? ` ${extra}` : ''}`;

export function counts(w: World) {
  const db = w.herald.core.db;
  return {
    drafts: db.select().from(drafts).all().length,
    revisions: db.select().from(revisions).all().length,
    approvals: db.select().from(approvals).all().length,
    broadcasts: db.select().from(broadcasts).all().length,
    deliveries: db.select().from(deliveries).all().length,
  };
}

/** Sends a command in the comms group and returns herald's answer to it, as the sender reads it (code spans in backticks, as the core words them). */
export async function answer(w: World, who: Person, text: string): Promise<string> {
  const sent = w.say(who, text);
  const id = sent.message!.message_id;
  const reply = await w.emu.waitFor(() => w.shown(COMMS_ID).find((m) => m.reply_to_message_id === id));
  return withBackticks(reply);
}

/** Nothing reached the community: no post in the channel, none queued for Discord or X. */
export function nothingPosted(w: World): void {
  expect(w.shown(CHANNEL_ID)).toEqual([]);
  expect(w.pubs.discord.sent).toEqual([]);
  expect(w.pubs.x.sent).toEqual([]);
}

/** A hostile command is refused with exactly `sentence`, and nothing was drafted, approved or posted. */
export async function refused(w: World, who: Person, text: string, sentence: string): Promise<void> {
  const before = counts(w);
  expect(await answer(w, who, text)).toBe(sentence);
  expect(counts(w)).toEqual(before);
  nothingPosted(w);
}

/**
 * Telegram lets a bot send 20 messages a minute into one group, and herald's limiter keeps to
 * it; a long table would wait on it. Each world answers a few cases, then a fresh one takes over.
 */
export function worldPool(options: WorldOptions = {}, casesPerWorld = 12) {
  let current: World | undefined;
  let used = 0;
  return {
    async get(): Promise<World> {
      if (!current || used >= casesPerWorld) {
        await current?.close();
        current = await startWorld(options);
        used = 0;
      }
      used++;
      return current;
    },
    async close(): Promise<void> {
      await current?.close();
    },
  };
}
