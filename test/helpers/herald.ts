import { createHerald, type Herald } from '../../src/app';
import type { Config } from '../../src/config/types';
import { MemoryChat } from '../support/chat';
import { testConfig } from '../support/config';
import { publishers } from '../support/publisher';

/** A whole herald over a real SQLite file with the real migrations, scripted publishers and a memory chat. */
export function testHerald(config: Config = testConfig()) {
  const pubs = publishers();
  const herald: Herald = createHerald(config, { publishers: pubs, random: () => 0.5 });
  const chat = new MemoryChat(herald, 'discord');
  const telegram = new MemoryChat(herald, 'telegram');
  return { herald, config, pubs, chat, telegram, db: herald.core.db, close: () => herald.close() };
}
