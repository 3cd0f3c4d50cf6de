import { createHerald, type Herald } from '../../src/app';
import type { Config } from '../../src/config/types';
import type { Db } from '../../src/store/db';
import { MemoryChat } from '../support/chat';
import { FakeClock } from '../support/clock';
import { testConfig } from '../support/config';
import { publishers } from '../support/publisher';

/**
 * A whole herald over a real SQLite file with the real migrations, scripted publishers and a
 * memory chat. Its clock (promises, reminders) is a FakeClock at 14:00 UTC unless one is given.
 */
export function testHerald(config: Config = testConfig(), options: { clock?: FakeClock; db?: Db } = {}) {
  const pubs = publishers();
  const clock = options.clock ?? new FakeClock();
  const herald: Herald = createHerald(config, { publishers: pubs, random: () => 0.5, now: clock.now, scheduler: clock, ...(options.db ? { db: options.db } : {}) });
  const chat = new MemoryChat(herald, 'discord');
  const telegram = new MemoryChat(herald, 'telegram');
  return { herald, config, pubs, chat, telegram, clock, db: herald.core.db, close: () => herald.close() };
}
