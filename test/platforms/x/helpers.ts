import type { Config } from '../../../src/config/types';
import type { XEmulator, XEmulatorOptions } from '@herald/emulators/x';
import { createXAdapter, XPublisher } from '../../../src/platforms/x';
import type { PlatformAdapter } from '../../../src/platforms/types';
import { createLogger, type Logger } from '../../../src/util/log';
import type { MemoryChat } from '../../support/chat';
import { startEmulators, xEnv, type Emulators } from '../../support/emulators';
import { emulatedConfig, startHerald, type StartHeraldOptions } from '../../support/herald';
import { deliveryTo } from '../../support/rows';
import { THREAD_VARS } from '../../support/vars';
import type { Db } from '../../../src/store/db';

export interface XSetupOptions {
  emulator?: XEmulatorOptions;
  delivery?: Partial<Config['delivery']>;
  /** X's credentials and address, instead of the emulator's OAuth 1.0a ones. */
  env?: (emu: XEmulator) => Record<string, string>;
  log?: Logger;
  /** An emulator the test started and closes itself (a second herald on the same X). */
  emu?: XEmulator;
  /** A config already built (a restart on the same database). */
  config?: Config;
}

/** The options of test/support/herald.ts that make this X setup. */
function heraldOptions(opts: XSetupOptions): StartHeraldOptions {
  const env = opts.env;
  return {
    platforms: ['x'],
    emulator: { x: opts.emulator ?? {} },
    ...(opts.emu ? { running: { x: opts.emu } } : {}),
    ...(opts.config ? { config: opts.config } : {}),
    ...(env ? { env: (emus: Emulators) => ({ ...Object.fromEntries(Object.keys(xEnv(emus.x!)).map((k) => [k, undefined])), ...env(emus.x!) }) } : {}),
    ...(opts.delivery ? { configure: (base: Config) => ({ ...base, delivery: { ...base.delivery, ...opts.delivery } }) } : {}),
    log: opts.log ?? createLogger('silent'),
  };
}

function xPublisher(adapter: PlatformAdapter): XPublisher {
  if (!(adapter.publisher instanceof XPublisher)) throw new Error('the X adapter should publish with XPublisher');
  return adapter.publisher;
}

/** The real config loader with X pointed at a fresh emulator, and the real X adapter on it (the publisher alone). */
export async function xSetup(opts: XSetupOptions = {}) {
  const o = heraldOptions(opts);
  const emu = opts.emu ?? (await startEmulators(['x'], { x: opts.emulator ?? {} })).x!;
  const config = opts.config ?? emulatedConfig({ x: emu }, o);
  const adapter = await createXAdapter(config, o.log!);
  return { emu, config, adapter, publisher: xPublisher(adapter) };
}

/**
 * A whole herald: the real X adapter against the emulator, scripted Discord and Telegram, and
 * the memory chat the core's tests type commands into (a view over test/support/herald.ts).
 */
export async function xHerald(opts: XSetupOptions = {}) {
  const h = await startHerald(heraldOptions(opts));
  const adapter = h.adapters.x!;
  return { emu: h.emus.x!, config: h.config, adapter, publisher: xPublisher(adapter), herald: h.herald, chat: h.chat, db: h.db, discord: h.pubs.discord, telegram: h.pubs.telegram, close: h.close };
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
