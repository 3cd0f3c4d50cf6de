import type { Herald } from '../../../src/app';
import type { FakeClock } from '../../support/clock';
import type { Config } from '../../../src/config/types';
import type { StoredMessage, TelegramEmulator, TelegramEmulatorOptions } from '@herald/emulators/telegram';
import type { TelegramAdapter } from '../../../src/platforms/telegram';
import type { deliveries } from '../../../src/store/schema';
import { COMMS_ID, CHANNEL_ID, COMMUNITY_ID, ID, SECOND_ID, type TelegramPerson } from '../../support/cast';
import { startHerald, type Scripted } from '../../support/herald';
import { deliveryTo } from '../../support/rows';

export { CHANNEL_ID, COMMS_ID, COMMUNITY_ID, ID, SECOND_ID };
export type Person = TelegramPerson;

export interface World {
  emu: TelegramEmulator;
  config: Config;
  adapter: TelegramAdapter;
  herald: Herald;
  clock: FakeClock;
  pubs: Scripted;
  /** Every log line herald wrote, as JSON text. */
  logs: string[];
  say(who: Person | 'anonymousAdmin', text: string, chatId?: number): ReturnType<TelegramEmulator['sendUserMessage']>;
  /** The bot's messages in a chat, deleted ones left out. */
  shown(chatId: number): StoredMessage[];
  /** The draft's newest preview header. */
  header(draftId: number): StoredMessage | undefined;
  press(who: Person, action: 'approve' | 'reject', draftId: number): ReturnType<TelegramEmulator['pressButton']>;
  delivery(target: string): typeof deliveries.$inferSelect | undefined;
  close(): Promise<void>;
}

export interface WorldOptions {
  emulator?: TelegramEmulatorOptions;
  env?: Record<string, string>;
  configure?: (config: Config) => void;
  /** herald's clock and the reminders' scheduler; a FakeClock at 14:00 UTC unless given. */
  clock?: FakeClock;
  /** Skip attach (publisher-only tests). */
  detached?: boolean;
  webhookHost?: string;
}

/** A whole herald with the real Telegram adapter on the loopback Bot API, Discord and X scripted (a view over test/support/herald.ts). */
export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const h = await startHerald({
    platforms: ['telegram'],
    emulator: { telegram: opts.emulator ?? {} },
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.configure ? { configure: opts.configure } : {}),
    ...(opts.detached ? { attach: false } : {}),
    ...(opts.webhookHost ? { telegram: { webhookHost: opts.webhookHost } } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const emu = h.emus.telegram!;
  const shown = (chatId: number) => emu.messages(chatId).filter((m) => !m.deleted);
  return {
    emu,
    config: h.config,
    adapter: h.adapters.telegram!,
    clock: h.clock,
    herald: h.herald,
    pubs: h.pubs,
    logs: h.logs,
    shown,
    say: (who, text, chatId = COMMS_ID) => emu.sendUserMessage({ chatId, from: who === 'anonymousAdmin' ? who : ID[who], text }),
    // The newest preview header carries the state and the buttons; older ones only say they are out of date.
    header: (draftId) => shown(COMMS_ID).findLast((m) => m.text.startsWith(`#${draftId} · `)),
    press(who, action, draftId) {
      const header = shown(COMMS_ID).find((m) => m.text.startsWith(`#${draftId} · `) && m.reply_markup);
      if (!header) throw new Error(`no preview of #${draftId} with buttons`);
      const rows = (header.reply_markup as { inline_keyboard: Array<Array<{ callback_data?: string }>> }).inline_keyboard;
      const data = rows.flat().find((b) => b.callback_data?.startsWith(`${action}:`))!.callback_data!;
      return emu.pressButton({ chatId: COMMS_ID, messageId: header.message_id, from: ID[who], data });
    },
    delivery: (target) => deliveryTo(h.db, target),
    close: h.close,
  };
}

/** Messages whose text contains `part`, in the chat, oldest first. */
export const containing = (messages: StoredMessage[], part: string) => messages.filter((m) => m.text.includes(part));

/** A message's text with its code entities written back as `backticks`: herald's reply as the core worded it. */
export function withBackticks(m: Pick<StoredMessage, 'text' | 'entities'>): string {
  let out = m.text;
  for (const e of m.entities.filter((x) => x.type === 'code').sort((a, b) => b.offset - a.offset)) {
    out = `${out.slice(0, e.offset)}\`${out.slice(e.offset, e.offset + e.length)}\`${out.slice(e.offset + e.length)}`;
  }
  return out;
}
