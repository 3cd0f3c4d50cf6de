import type { Config, Platform } from '../config/types';
import type { Publisher } from '../core/delivery/publisher';
import { connectPlatforms, type PlatformAdapter } from '../platforms';
import type { Logger } from '../util/log';
import { registerSecret } from '../util/redact';
import { connectedAtStart, startOps, type Ops } from '../ops';
import { atPlatformStart } from './errors';
import { createHerald, type Herald } from './herald';

export interface App {
  herald: Herald;
  adapters: PlatformAdapter[];
  /** Health, metrics and alerts, as far as the config asks for them. */
  ops: Ops;
  /** Runs after herald has closed, in the order added (the sandbox's emulators go last). */
  onStopped(stop: () => Promise<void>): void;
  /**
   * Stops in the one order: the worker drains (deliveries in flight still need the platform
   * clients), the adapters stop, herald closes its database, then whatever the caller added.
   */
  stop(): Promise<void>;
}

/**
 * The composition root: connects every configured platform, builds herald on them, attaches
 * the chat adapters through the port and starts the worker. The CLI and the sandbox both start
 * herald here. Whatever started before a failure is stopped again before the error is thrown.
 */
export async function startApp(config: Config, log: Logger): Promise<App> {
  for (const s of config.secrets) registerSecret(s);
  const adapters = await atPlatformStart(connectPlatforms(config, log));
  const publishers: Partial<Record<Platform, Publisher>> = {};
  for (const a of adapters) publishers[a.platform] = a.publisher;
  const after: Array<() => Promise<void>> = [];
  let herald: Herald;
  try {
    herald = createHerald(config, { publishers });
  } catch (err) {
    await stopAdapters(adapters, log);
    throw err;
  }
  herald.core.events.on('auditFailed', (err, type) => log.error({ err, type }, 'an audit event could not be written'));
  herald.core.events.on('telegramUpdateIdsRestarted', (last, now) =>
    log.warn({ last, now }, 'Telegram update ids started over (a new bot token, or dropped updates); commands are still told apart by chat and message'),
  );
  let ops: Ops | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await herald.reminders.stop();
      await herald.worker.stop();
      await stopAdapters(adapters, log);
      await ops?.close();
      await herald.close();
      for (const s of after) await s().catch((err: unknown) => log.warn({ err }, 'a part of herald did not stop cleanly'));
    })());
  try {
    for (const a of adapters) await atPlatformStart(Promise.resolve(a.attach?.(herald.port)));
    // Before the worker's first kick: the deliveries pending now are the ones this start resumes.
    ops = await startOps(config, herald, connectedAtStart(adapters), log);
  } catch (err) {
    await stop();
    throw err;
  }
  herald.worker.kick();
  herald.reminders.start();
  return { herald, adapters, ops, onStopped: (s) => void after.push(s), stop };
}

async function stopAdapters(adapters: PlatformAdapter[], log: Logger): Promise<void> {
  for (const a of adapters) await a.stop().catch((err: unknown) => log.warn({ err, platform: a.platform }, 'a platform adapter did not stop cleanly'));
}
