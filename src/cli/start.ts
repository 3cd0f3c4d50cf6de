import { setFlagsFromString } from 'node:v8';
import { checkTargetCredentials, loadConfig, sandboxSettings } from '../config/load';
import { startApp } from '../app';
import type { Config } from '../config/types';
import { createLogger } from '../util/log';
import { UsageError } from './failure';
import { DEFAULT_FAST_CLOCK } from '../sandbox/clock';

/**
 * bin/herald.mjs starts `herald start` without V8's optimising compiler, which would spend memory
 * on start-up code that runs once; from here on, the code that runs again and again is optimised.
 */
const optimiseFromNow = () => setFlagsFromString('--opt');

export interface StartOptions {
  /** Run against local emulators with the web console, whatever is configured. */
  sandbox?: boolean;
  /** Post only to the config's drill targets, mark every post, log the timings. */
  drill?: boolean;
  /** Sandbox only: its time runs this many times faster (true: the default factor). */
  fastClock?: number | true;
}

/** herald runs for real when any platform's credentials are set; with none, a newcomer gets the sandbox. */
export function startMode(config: Config, options: StartOptions): 'sandbox' | 'platforms' {
  if (options.sandbox) return 'sandbox';
  return config.discord || config.telegram || config.x ? 'platforms' : 'sandbox';
}

/**
 * Resolves on SIGINT or SIGTERM. It holds the event loop open meanwhile: with only X configured
 * nothing else does (X keeps no connection), and Node would exit 13 on the unsettled await.
 */
function signalled(): Promise<NodeJS.Signals> {
  const hold = setInterval(() => undefined, 2 ** 30);
  return new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  }).finally(() => clearInterval(hold));
}

/** `herald start`: validate everything, migrate, connect the platforms, resume pending deliveries, serve until a signal. */
export async function start(options: StartOptions = {}): Promise<void> {
  const configured = options.sandbox ? null : loadConfig();
  if (!configured || startMode(configured, options) === 'sandbox') return sandbox(options, configured ? 'unconfigured' : 'forced');

  // Production time is the real one: a fast clock would make herald's promises and reminders lie.
  if (options.fastClock) throw new UsageError('--fast-clock works only in the sandbox; add --sandbox, or leave it out to run the configured platforms');
  const config = options.drill ? loadConfig({ drill: true }) : configured;
  checkTargetCredentials(config);
  const log = createLogger(config.logLevel);
  const app = await startApp(config, log);
  optimiseFromNow();
  const { herald } = app;
  const platforms = app.platforms();
  log.info(
    {
      // The PostgreSQL URL as the client shows it: without its password.
      db: herald.core.db.$client.name,
      templates: herald.core.library.templates.size,
      faq: herald.core.library.faq.size,
      platforms: platforms.filter((p) => p.connected).map((p) => p.platform),
      ...(platforms.some((p) => !p.connected) ? { waitingFor: platforms.filter((p) => !p.connected).map((p) => p.platform) } : {}),
    },
    'herald started',
  );
  if (config.drill) {
    log.warn({ targets: config.drill.targets, label: config.drill.label }, `DRILL: every statement goes only to the drill targets and is marked [${config.drill.label}]; timings are written to the audit log`);
  }
  // A platform that refuses herald's credentials while herald retries it stops herald (exit 3).
  const fatal = app.fatal.catch(async (err: unknown) => {
    await app.stop();
    throw err;
  });
  await Promise.race([signalled(), fatal]);
  log.info('stopping: finishing deliveries in flight');
  await app.stop();
}


const STOP_WITHIN_MS = 15_000;

async function sandbox(options: StartOptions, reason: 'forced' | 'unconfigured'): Promise<void> {
  // Loaded only here: a production start never loads the emulators.
  const { startSandbox } = await import('../sandbox');
  const { sandboxBanner } = await import('../sandbox/banner');
  const dir = sandboxSettings().dir ?? 'data/sandbox';
  const fastClock = options.fastClock === true ? DEFAULT_FAST_CLOCK : options.fastClock;
  const box = await startSandbox({ dir, drill: options.drill ?? false, ...(fastClock ? { fastClock } : {}) });
  optimiseFromNow();
  process.stdout.write(sandboxBanner({ url: box.url, config: box.config, reason, ...(box.fast ? { fastClock: box.fast.factor } : {}) }));
  await signalled();
  process.stdout.write('\nStopping the sandbox…\n');
  // A second Ctrl-C, or a stop that hangs, ends it at once.
  process.once('SIGINT', () => process.exit(130));
  const late = setTimeout(() => {
    process.stderr.write('herald: the sandbox did not stop within 15 s; exiting anyway\n');
    process.exit(1);
  }, STOP_WITHIN_MS);
  late.unref();
  await box.close();
  clearTimeout(late);
  process.stdout.write('Sandbox stopped.\n');
}
