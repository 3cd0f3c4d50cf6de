import type { Config, Platform } from '../config/types';
import type { Publisher } from '../core/delivery/publisher';
import type { PlatformAdapter } from '../platforms';
import type { Logger } from '../util/log';
import { registerSecret } from '../util/redact';
import { startOps, type Ops } from '../ops';
import type { Scheduler } from '../core/reminders/runner';
import { createHerald, type Herald } from './herald';
import { PlatformLinks } from './links';
import { logStory } from './story';
import { sharedInfrastructure } from '../site/domains';
import { REAL_TIMERS } from '../util/coalesced';
import { Singletons } from './singletons';

export interface App {
  herald: Herald;
  /** The platforms connected so far; one that could not be reached joins once it connects. */
  adapters: PlatformAdapter[];
  /** Each configured platform: connected, or why not. */
  platforms: PlatformLinks['states'];
  /** Health, metrics and alerts, as far as the config asks for them. */
  ops: Ops;
  /** Rejects when a platform refuses herald's credentials while herald runs (exit 3 in the CLI). */
  fatal: Promise<never>;
  /** The leases of what runs on one instance at a time (./singletons.ts). */
  singletons: Singletons;
  /**
   * Stops renewing this instance's leases and delivery claims and polling for work, releasing
   * nothing: to the other instance on the database it looks dead (tests of a takeover).
   */
  abandon(): void;
  /** Runs after herald has closed, in the order added (the sandbox's emulators go last). */
  onStopped(stop: () => Promise<void>): void;
  /**
   * Stops in the one order: the worker drains (deliveries in flight still need the platform
   * clients), the adapters stop, herald closes its database, then whatever the caller added.
   */
  stop(): Promise<void>;
}

export interface StartOptions {
  /**
   * Makes one platform's adapter instead of its production factory (the tests log their own
   * adapters in to the emulators, keeping each adapter's own type); undefined leaves it to the factory.
   */
  create?: (platform: Platform, config: Config, log: Logger) => Promise<PlatformAdapter> | undefined;
  /** Publishers for platforms herald is not to connect (the tests' scripted ones). */
  publishers?: Partial<Record<Platform, Publisher>>;
  /** The worker's and reconnects' jitter, fixed by tests whose retries are counted. */
  random?: () => number;
  /** herald's clock and the reminders' scheduler (tests drive promises with a fake one). */
  now?: () => number;
  scheduler?: Scheduler;
  /** The leases' and delivery claims' timers, on herald's clock (real timers unless a test drives them). */
  leaseScheduler?: Scheduler;
}

/**
 * The composition root. Everything that can be checked is checked before any login: the
 * config (already loaded), the database (opened and migrated) and the templates (createHerald),
 * then the health port is bound. Only then does herald connect to the platforms, each on its
 * own: one that cannot be reached is retried in the background while the others work. The CLI
 * the sandbox and the in-process tests all start herald here. Whatever started before a failure is stopped again
 * before the error is thrown.
 */
export async function startApp(config: Config, log: Logger, options: StartOptions = {}): Promise<App> {
  for (const s of config.secrets) registerSecret(s);
  const publishers: Partial<Record<Platform, Publisher>> = { ...options.publishers };
  const leaseScheduler = options.leaseScheduler ?? REAL_TIMERS;
  const herald = createHerald(config, { publishers, log, leaseScheduler, ...(options.random ? { random: options.random } : {}), ...(options.now ? { now: options.now } : {}), ...(options.scheduler ? { scheduler: options.scheduler } : {}) });
  herald.core.events.on('auditFailed', (err, type) => log.error({ err, type }, 'an audit event could not be written'));
  herald.core.events.on('telegramUpdateIdsRestarted', (last, now) =>
    log.warn({ last, now }, 'Telegram update ids started over (a new bot token, or dropped updates); commands are still told apart by chat and message'),
  );
  const unlog = logStory(herald.core, log);
  const links = new PlatformLinks({
    config,
    log,
    port: herald.port,
    publishers,
    ...(options.create ? { create: options.create } : {}),
    ...(options.random ? { random: options.random } : {}),
    connected: () => herald.worker.kick(),
    announce: (text) => herald.announce(text),
    gated: Singletons.gated(config),
  });
  const singletons = new Singletons(config, herald, links, log, leaseScheduler);
  let ops: Ops | undefined;
  const after: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await singletons.stop();
      await herald.reminders.stop();
      await herald.worker.stop();
      await links.stop();
      await ops?.close();
      unlog();
      await herald.close();
      for (const s of after) await s().catch((err: unknown) => log.warn({ err }, 'a part of herald did not stop cleanly'));
    })());
  try {
    // Before the worker's first kick: the deliveries pending now are the ones this start resumes.
    ops = await startOps(config, herald, links.states, log, { singletons });
    await singletons.startChat();
    await links.start();
  } catch (err) {
    await stop();
    throw err;
  }
  herald.worker.kick();
  // Deliveries the other instance created, or left when it died, are found by polling.
  herald.worker.poll();
  herald.trust.onSiteError((err) => log.error({ err, dir: config.statusSite?.dir }, 'the status site could not be built; it is tried again at the next change'));
  herald.trust.start();
  // The reminders and the site's publishing, on the instance holding their leases.
  await singletons.startWork();
  for (const warning of sharedInfrastructure(config)) log.warn(warning);
  if (!herald.trust.signer) log.warn({ key: config.paths.signingKey }, 'no signing key: statements are not signed and the audit log is not checkpointed; run herald keys init');
  const abandon = () => {
    singletons.abandon();
    herald.worker.abandon();
  };
  return { herald, adapters: links.adapters, platforms: links.states, ops, fatal: links.fatal, singletons, abandon, onStopped: (s) => void after.push(s), stop };
}
