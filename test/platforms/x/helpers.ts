import { createHerald } from '../../../src/app';
import { FakeClock } from '../../support/clock';
import type { Config } from '../../../src/config/types';
import { DEFAULT_X_CREDENTIALS, startXEmulator, type XEmulator, type XEmulatorOptions } from '@herald/emulators/x';
import { createXAdapter, XPublisher } from '../../../src/platforms/x';
import { createLogger, type Logger } from '../../../src/util/log';
import { MemoryChat } from '../../support/chat';
import { testConfig } from '../../support/config';
import { ScriptedPublisher } from '../../support/publisher';
import { deliveryTo } from '../../support/rows';
import { THREAD_VARS } from '../../support/vars';
import type { Db } from '../../../src/store/db';

export const X_ENV = (emu: XEmulator): Record<string, string> => ({
  X_API_KEY: DEFAULT_X_CREDENTIALS.appKey,
  X_API_SECRET: DEFAULT_X_CREDENTIALS.appSecret,
  X_ACCESS_TOKEN: DEFAULT_X_CREDENTIALS.accessToken,
  X_ACCESS_SECRET: DEFAULT_X_CREDENTIALS.accessSecret,
  X_API_URL: emu.baseUrl,
});

export interface XSetupOptions {
  emulator?: XEmulatorOptions;
  delivery?: Partial<Config['delivery']>;
  env?: (emu: XEmulator) => Record<string, string>;
  log?: Logger;
}

/** The real config loader with X pointed at a fresh emulator, and the real X adapter on it. */
export async function xSetup(opts: XSetupOptions = {}) {
  const emu = await startXEmulator(opts.emulator);
  const base = testConfig(opts.env ? opts.env(emu) : X_ENV(emu));
  const config: Config = { ...base, delivery: { ...base.delivery, ...opts.delivery } };
  const adapter = await createXAdapter(config, opts.log ?? createLogger('silent'));
  if (!(adapter.publisher instanceof XPublisher)) throw new Error('the X adapter should publish with XPublisher');
  return { emu, config, adapter, publisher: adapter.publisher };
}

/**
 * A whole herald: the real X adapter against the emulator, scripted Discord and Telegram, and
 * the memory chat the core's tests type commands into.
 */
export async function xHerald(opts: XSetupOptions = {}) {
  const setup = await xSetup(opts);
  const discord = new ScriptedPublisher('discord');
  const telegram = new ScriptedPublisher('telegram');
  const herald = createHerald(setup.config, { publishers: { x: setup.publisher, discord, telegram }, random: () => 0.5, now: new FakeClock().now });
  const chat = new MemoryChat(herald, 'discord');
  return {
    ...setup,
    herald,
    chat,
    db: herald.core.db,
    discord,
    telegram,
    async close() {
      await herald.close();
      await setup.adapter.stop();
      await setup.emu.close();
    },
  };
}

/** Drafts the three-part sev1 statement and gives it its two approvals: the broadcast starts. */
export function publishThread(chat: MemoryChat): void {
  chat.say('alice', `/draft sev1/exploit-investigating ${THREAD_VARS}`);
  chat.say('bob', '/approve #1');
  const final = chat.say('carol', '/approve #1');
  if (final.outcome.broadcastId === undefined) throw new Error(`the broadcast did not start: ${final.text}`);
}

/** Posts the emulator holds that are still up, oldest first. */
export const livePosts = (emu: XEmulator) => emu.posts().filter((p) => !p.deleted);

/** POST /2/tweets requests the emulator received (answered or not). */
export const postRequests = (emu: XEmulator) => emu.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets');

/** Arms a fault for the n-th post from now (1 = the next one). */
export function onNthPost(emu: XEmulator, n: number, arm: () => void): void {
  if (n === 1) return arm();
  let seen = 0;
  const listener = () => {
    if (++seen === n - 1) {
      emu.off('post', listener);
      arm();
    }
  };
  emu.on('post', listener);
}

/** The delivery of the X thread (every test here broadcasts one). */
export const xDelivery = (db: Db) => deliveryTo(db, 'x')!;
/** The route every post goes to, for fault injection. */
export const POST = { method: 'POST', path: '/2/tweets' } as const;
