import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startApp, type Herald } from '../app';
import { loadConfig, readEnvironment, sandboxSettings } from '../config/load';
import type { Config } from '../config/types';
import type { PlatformAdapter } from '../platforms';
import { createLogger, type Logger } from '../util/log';
import { startConsole, type ConsoleServer } from './console/server';
import type { Ops } from '../ops';
import { startWorld, type World } from './world';
import { fastClock, REAL_CLOCK, type Clock, type FastClock } from './clock';

export const DEFAULT_CONSOLE_PORT = 8787;

export interface SandboxOptions {
  /** Folder for the sandbox's config file and database; the database starts empty on every run. */
  dir: string;
  /** Console port: 0 for any free one. Default HERALD_CONSOLE_PORT, else 8787 (any free one if that is taken). */
  port?: number;
  /** The operator's environment; platform credentials in it are ignored, the sandbox brings its own. */
  env?: NodeJS.ProcessEnv;
  /** Where templates and a .env are looked up (default: the working directory). */
  cwd?: string;
  /** Rehearse a drill: every post marked, timings in the audit log. */
  drill?: boolean;
  /** Sandbox time runs this many times faster (promises, reminders), so a reminder comes within a minute. */
  fastClock?: number;
  /** The time the sandbox's clock runs from: a test's fake clock, else the real one. */
  clock?: Clock;
  log?: Logger;
}

export interface Sandbox {
  url: string;
  world: World;
  herald: Herald;
  config: Config;
  adapters: PlatformAdapter[];
  console: ConsoleServer;
  /** /healthz, /readyz and /metrics, served when HERALD_HTTP_PORT is set. */
  ops: Ops;
  /** The fast clock herald runs on, when asked for one. */
  fast: FastClock | null;
  /** Stops the console, the worker, the adapters, the database and the emulators, in that order. */
  close(): Promise<void>;
}

const PLATFORM_VARIABLE = /^(DISCORD|TELEGRAM|X)_/;

/** The operator's settings (log level, template folder) without any platform's: those point at the emulators. */
function sandboxEnv(options: SandboxOptions, cwd: string, world: World): Record<string, string | undefined> {
  const base = readEnvironment({ ...(options.env ? { env: options.env } : {}), cwd });
  for (const key of Object.keys(base)) if (PLATFORM_VARIABLE.test(key)) delete base[key];
  return { ...base, ...world.env, HERALD_DB_PATH: join(options.dir, 'herald.db') };
}

function consolePort(options: SandboxOptions, cwd: string): number {
  if (options.port !== undefined) return options.port;
  return sandboxSettings({ ...(options.env ? { env: options.env } : {}), cwd }).consolePort ?? DEFAULT_CONSOLE_PORT;
}

/**
 * herald with nothing configured: its own Discord, Telegram and X on loopback, the real adapters
 * connected to them, and a web console showing every channel live.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const cwd = options.cwd ?? process.cwd();
  const dir = resolve(cwd, options.dir);
  mkdirSync(dir, { recursive: true });
  // A fresh log each time, so the demo starts clean.
  for (const f of ['herald.db', 'herald.db-wal', 'herald.db-shm']) rmSync(join(dir, f), { force: true });

  const world = await startWorld({
    configPath: join(dir, 'herald.config.yaml'),
    // Short waits, so a recovered platform is caught up within seconds while a team watches.
    delivery: { base_delay_ms: 500, max_delay_ms: 4_000, max_attempts: 60, request_timeout_ms: 5_000 },
  });
  const started: Array<() => Promise<void>> = [() => world.close()];
  const unwind = async () => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  };
  try {
    const env = sandboxEnv({ ...options, dir }, cwd, world);
    const config = loadConfig({ env, cwd, readDotenv: false, drill: options.drill ?? false });
    const log = options.log ?? createLogger(env.HERALD_LOG_LEVEL ?? 'warn');
    const base = options.clock ?? REAL_CLOCK;
    const fast = options.fastClock ? fastClock(options.fastClock, base) : null;
    const clock = fast ?? base;
    const app = await startApp(config, log, { now: () => clock.now(), scheduler: clock });
    started.push(() => app.stop());
    const { herald, adapters } = app;
    const server = await startConsole({ world, herald, port: consolePort(options, cwd), log, fast });
    // Deliveries in flight still need the adapters (and a drill still times them); the emulators go last.
    app.onStopped(() => world.close());
    return {
      url: server.url,
      world,
      herald,
      config,
      adapters,
      console: server,
      ops: app.ops,
      fast,
      async close() {
        await server.close();
        await app.stop();
      },
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}
