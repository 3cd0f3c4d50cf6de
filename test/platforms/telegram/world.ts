import { Writable } from 'node:stream';
import { FakeClock } from '../../support/clock';
import { createHerald, type Herald } from '../../../src/app';
import type { Config } from '../../../src/config/types';
import { startTelegramEmulator, type StoredMessage, type TelegramEmulator, type TelegramEmulatorOptions } from '@herald/emulators/telegram';
import { createTelegramAdapterWith, type TelegramAdapter } from '../../../src/platforms/telegram';
import type { deliveries } from '../../../src/store/schema';
import { createLogger } from '../../../src/util/log';
import { CAST, COMMS_ID, CHANNEL_ID, COMMUNITY_ID, ID, SECOND_ID, type TelegramPerson } from '../../support/cast';
import { testConfig } from '../../support/config';
import { publishers } from '../../support/publisher';
import { deliveryTo } from '../../support/rows';

export { CHANNEL_ID, COMMS_ID, COMMUNITY_ID, ID, SECOND_ID };
export type Person = TelegramPerson;

export interface World {
  emu: TelegramEmulator;
  config: Config;
  adapter: TelegramAdapter;
  herald: Herald;
  clock: FakeClock;
  pubs: ReturnType<typeof publishers>;
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

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const emu = await startTelegramEmulator({
    bot: { id: 7000000001, username: 'herald_test_bot', first_name: 'Herald' },
    users: (Object.keys(ID) as Person[]).map((p) => {
      const person: { name: string; telegramUsername?: string } = CAST[p];
      return { id: ID[p], first_name: person.name, ...(person.telegramUsername ? { username: person.telegramUsername } : {}) };
    }),
    chats: [
      { id: COMMS_ID, type: 'supergroup', title: 'Acme comms', admins: [ID.alice, ID.bob] },
      { id: CHANNEL_ID, type: 'channel', title: 'Acme Finance', username: 'acmefinance' },
      { id: COMMUNITY_ID, type: 'supergroup', title: 'Acme community', username: 'acme_community', admins: [ID.dave] },
      { id: SECOND_ID, type: 'supergroup', title: 'Acme announcements (private)' },
    ],
    ...opts.emulator,
  });
  const config = testConfig({ TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, ...opts.env });
  opts.configure?.(config);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const log = createLogger('debug', sink);
  const adapter = await createTelegramAdapterWith(config, log, opts.webhookHost ? { webhookHost: opts.webhookHost } : {});
  const pubs = publishers();
  const clock = opts.clock ?? new FakeClock();
  const herald = createHerald(config, { publishers: { discord: pubs.discord, x: pubs.x, telegram: adapter.publisher }, random: () => 0.5, now: clock.now, scheduler: clock });
  if (!opts.detached) {
    await adapter.attach!(herald.port);
    if (!config.telegram?.webhook) await emu.waitFor(() => emu.requestsFor('getUpdates').find((r) => r.params.timeout === 25 && r.status === undefined));
  }

  const shown = (chatId: number) => emu.messages(chatId).filter((m) => !m.deleted);
  return {
    emu,
    config,
    adapter,
    clock,
    herald,
    pubs,
    logs,
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
    delivery: (target) => deliveryTo(herald.core.db, target),
    async close() {
      await herald.close();
      await adapter.stop();
      await emu.close();
    },
  };
}

/** Messages whose text contains `part`, in the chat, oldest first. */
export const containing = (messages: StoredMessage[], part: string) => messages.filter((m) => m.text.includes(part));
