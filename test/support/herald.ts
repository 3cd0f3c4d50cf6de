import { Writable } from 'node:stream';
import { createHerald, startApp, type App, type Herald } from '../../src/app';
import type { Config } from '../../src/config/types';
import type { Db } from '../../src/store/db';
import { createDiscord, type DiscordAdapter } from '../../src/platforms/discord';
import { createTelegramAdapterWith, type TelegramAdapter, type TelegramAdapterOptions } from '../../src/platforms/telegram';
import { createXAdapter } from '../../src/platforms/x';
import type { PlatformAdapter } from '../../src/platforms/types';
import { createLogger, type Logger } from '../../src/util/log';
import { MemoryChat } from './chat';
import { FakeClock } from './clock';
import { testConfig } from './config';
import { emulatorEnv, startEmulators, type Emulated, type EmulatorOptions, type Emulators } from './emulators';
import { publishers } from './publisher';

/**
 * The one way the tests start herald in-process. Two shapes:
 * - `testHerald()`: the command layer and the worker over a real SQLite file, every platform a
 *   ScriptedPublisher, commands typed into a MemoryChat. Synchronous, for the core's tests.
 * - `startHerald({ platforms })`: the named platforms for real (their loopback emulators, the
 *   real adapters logged in), the others scripted, started by the product's composition root.
 * The platform tests' worlds (test/platforms/*) are views over `startHerald`.
 */

export type Scripted = ReturnType<typeof publishers>;

/**
 * A whole herald over a real SQLite file with the real migrations, scripted publishers and a
 * memory chat. Its clock (promises, reminders) is a FakeClock at 14:00 UTC unless one is given.
 */
export function testHerald(config: Config = testConfig(), options: { pubs?: Scripted; clock?: FakeClock; db?: Db } = {}) {
  const pubs = options.pubs ?? publishers();
  const clock = options.clock ?? new FakeClock();
  const herald: Herald = createHerald(config, { publishers: pubs, random: () => 0.5, now: clock.now, scheduler: clock, ...(options.db ? { db: options.db } : {}) });
  const chat = new MemoryChat(herald, 'discord');
  const telegram = new MemoryChat(herald, 'telegram');
  return { herald, config, pubs, chat, telegram, clock, db: herald.core.db, close: () => herald.close() };
}

export interface StartHeraldOptions {
  /** Platforms run for real: emulator, real adapter, real client library. Every other one is scripted. */
  platforms?: readonly Emulated[];
  /** How each emulator starts (faults, latency, enforced limits). */
  emulator?: EmulatorOptions;
  /** Emulators the test started and closes itself: a second herald on the same world. */
  running?: Emulators;
  /** Environment over the emulators' (a variable set to undefined is removed). */
  env?: Record<string, string | undefined> | ((emus: Emulators) => Record<string, string | undefined>);
  /** A config already built (a restart on the same database); env is then not read. */
  config?: Config;
  /** Changes the loaded config before herald starts on it. */
  configure?: (config: Config) => Config | void;
  /** false: the chat adapters are not attached, so only their publishers work (default true). */
  attach?: boolean;
  /** Where herald logs (default: debug lines kept in `logs`). */
  log?: Logger;
  telegram?: TelegramAdapterOptions;
  /** herald's clock and the reminders' scheduler (default: a FakeClock at 14:00 UTC). */
  clock?: FakeClock;
  /** The clock drives the leases' and delivery claims' timers too (two instances' takeover); real timers otherwise. */
  driveLeases?: boolean;
}

export interface Adapters {
  discord?: DiscordAdapter;
  telegram?: TelegramAdapter;
  x?: PlatformAdapter;
}

export interface StartedHerald {
  app: App;
  herald: Herald;
  config: Config;
  db: Herald['core']['db'];
  emus: Emulators;
  adapters: Adapters;
  clock: FakeClock;
  /** The scripted publishers; those of platforms run for real go unused. */
  pubs: Scripted;
  /** A memory chat typing into herald as if from Discord (the core's way of sending commands). */
  chat: MemoryChat;
  /** Every log line herald wrote, as JSON text (empty when a logger was given). */
  logs: string[];
  /** Stops herald in the app's one order, then the emulators this start started. */
  close(): Promise<void>;
}

export async function startHerald(options: StartHeraldOptions = {}): Promise<StartedHerald> {
  const platforms = options.platforms ?? [];
  const fresh = await startEmulators(platforms.filter((p) => !options.running?.[p]), options.emulator);
  const emus: Emulators = { ...options.running };
  for (const p of platforms) if (fresh[p]) Object.assign(emus, { [p]: fresh[p] });
  let started: App | undefined;
  try {
    const config = options.config ?? emulatedConfig(emus, options);
    const logs: string[] = [];
    const log = options.log ?? createLogger('debug', new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) }));
    const adapters: Adapters = {};
    const pubs = publishers();
    const clock = options.clock ?? new FakeClock();
    const scripted: Partial<Scripted> = {};
    for (const p of ['discord', 'telegram', 'x'] as const) if (!platforms.includes(p)) Object.assign(scripted, { [p]: pubs[p] });
    const app = await startApp(config, log, {
      create: (platform, cfg, child) => {
        if (!platforms.includes(platform)) return undefined;
        // Unattached: the app gets the adapter without attach, the test keeps the real one.
        return createAdapter(platform, cfg, child, adapters, options.telegram).then((a) =>
          options.attach === false ? { platform: a.platform, publisher: a.publisher, stop: () => a.stop() } : a,
        );
      },
      publishers: scripted,
      random: () => 0.5,
      now: clock.now,
      scheduler: clock,
      ...(options.driveLeases ? { leaseScheduler: clock } : {}),
    });
    app.onStopped(() => fresh.close());
    started = app;
    const herald = app.herald;
    // Ready means herald's long poll is waiting for updates: a message sent now is received.
    const emu = emus.telegram;
    if (adapters.telegram && emu && options.attach !== false && !config.telegram?.webhook) {
      await emu.waitFor(() => emu.requestsFor('getUpdates').find((r) => r.params.timeout === 25 && r.status === undefined));
    }
    return { app, herald, config, db: herald.core.db, emus, adapters, clock, pubs, chat: new MemoryChat(herald, 'discord'), logs, close: () => app.stop() };
  } catch (err) {
    // Once the app is up, its stop closes the emulators too.
    await (started ? started.stop() : fresh.close());
    throw err;
  }
}

/** The real config loader over the test fixture, pointed at the emulators (what startHerald runs on). */
export function emulatedConfig(emus: Emulators, options: Pick<StartHeraldOptions, 'env' | 'configure'> = {}): Config {
  const extra = typeof options.env === 'function' ? options.env(emus) : options.env;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...emulatorEnv(emus), ...extra })) if (v !== undefined) env[k] = v;
  const config = testConfig(env);
  return options.configure?.(config) ?? config;
}

/** The real adapter of one platform, logged in to its emulator as `herald start` would. */
async function createAdapter(platform: Emulated, config: Config, log: Logger, into: Adapters, telegram: TelegramAdapterOptions = {}): Promise<PlatformAdapter> {
  if (platform === 'discord') return (into.discord = await createDiscord(config, log));
  if (platform === 'telegram') return (into.telegram = await createTelegramAdapterWith(config, log, telegram));
  return (into.x = await createXAdapter(config, log));
}
