import { Writable } from 'node:stream';
import { asc, eq } from 'drizzle-orm';
import { createHerald, type Herald } from '../../../src/app';
import type { Config } from '../../../src/config/types';
import { startTelegramEmulator, type StoredMessage, type TelegramEmulator, type TelegramEmulatorOptions } from '@herald/emulators/telegram';
import { createTelegramAdapterWith, type TelegramAdapter } from '../../../src/platforms/telegram';
import { auditEvents, deliveries } from '../../../src/store/schema';
import { createLogger } from '../../../src/util/log';
import { COMMS, testConfig } from '../../helpers/config';
import { publishers } from '../../helpers/publisher';

/** Telegram user ids of the fixture's people (test/fixtures/herald.yaml), plus outsiders. */
export const ID = { alice: 201, bob: 202, carol: 203, dave: 204, erin: 205, mallory: 266, member: 301 } as const;
export type Person = keyof typeof ID;

export const COMMS_ID = Number(COMMS.telegram);
/** telegram-main in the fixture is @acmefinance. */
export const CHANNEL_ID = -1001234567890;
/** A public community group where moderators answer questions. */
export const COMMUNITY_ID = -1001111111111;
/** A second broadcast target some tests add. */
export const SECOND_ID = -1002222222222;

export const EXPLOIT = 'affected="the USDC lending pool on Ethereum" next_update="within 60 minutes (by 15:00 UTC)"';
export const FRONTEND = 'affected_site="our web app" next_update="by 16:00 UTC"';

export interface World {
  emu: TelegramEmulator;
  config: Config;
  adapter: TelegramAdapter;
  herald: Herald;
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
  audit(type: string): Array<{ chatId: string | null; data: Record<string, unknown> }>;
  close(): Promise<void>;
}

export interface WorldOptions {
  emulator?: TelegramEmulatorOptions;
  env?: Record<string, string>;
  configure?: (config: Config) => void;
  /** Skip attach (publisher-only tests). */
  detached?: boolean;
  webhookHost?: string;
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const emu = await startTelegramEmulator({
    bot: { id: 7000000001, username: 'herald_test_bot', first_name: 'Herald' },
    users: [
      { id: ID.alice, first_name: 'Alice' },
      { id: ID.bob, first_name: 'Bob' },
      { id: ID.carol, first_name: 'Carol' },
      { id: ID.dave, first_name: 'Dave', username: 'dave_mod' },
      { id: ID.erin, first_name: 'Erin' },
      { id: ID.mallory, first_name: 'Mallory' },
      { id: ID.member, first_name: 'Manny', username: 'manny' },
    ],
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
  const herald = createHerald(config, { publishers: { discord: pubs.discord, x: pubs.x, telegram: adapter.publisher }, random: () => 0.5 });
  if (!opts.detached) {
    await adapter.attach!(herald.port);
    if (!config.telegram?.webhook) await emu.waitFor(() => emu.requestsFor('getUpdates').find((r) => r.params.timeout === 25 && r.status === undefined));
  }

  const shown = (chatId: number) => emu.messages(chatId).filter((m) => !m.deleted);
  return {
    emu,
    config,
    adapter,
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
    delivery: (target) => herald.core.db.select().from(deliveries).where(eq(deliveries.targetId, target)).all().at(-1),
    audit: (type) =>
      herald.core.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.type, type))
        .orderBy(asc(auditEvents.seq))
        .all()
        .map((r) => ({ chatId: r.chatId, data: JSON.parse(r.data) as Record<string, unknown> })),
    async close() {
      await herald.close();
      await adapter.stop();
      await emu.close();
    },
  };
}

/** Messages whose text contains `part`, in the chat, oldest first. */
export const containing = (messages: StoredMessage[], part: string) => messages.filter((m) => m.text.includes(part));
