import { loadConfig } from '../config/load';
import { createHerald } from '../app';
import { connectPlatforms } from '../platforms';
import type { Platform } from '../config/types';
import type { Publisher } from '../core/delivery/publisher';
import { createLogger } from '../util/log';
import { registerSecret } from '../util/redact';

/** `herald start`: validate everything, migrate, connect the platforms, resume pending deliveries, serve until a signal. */
export async function start(): Promise<void> {
  const config = loadConfig();
  for (const s of config.secrets) registerSecret(s);
  const log = createLogger(config.logLevel);
  const adapters = await connectPlatforms(config, log);
  const publishers: Partial<Record<Platform, Publisher>> = {};
  for (const a of adapters) publishers[a.platform] = a.publisher;
  const herald = createHerald(config, { publishers });
  herald.core.events.on('auditFailed', (err, type) => log.error({ err, type }, 'an audit event could not be written'));
  for (const a of adapters) await a.attach?.(herald);
  herald.worker.kick();
  log.info(
    { db: config.paths.db, templates: herald.core.library.templates.size, faq: herald.core.library.faq.size, platforms: adapters.map((a) => a.platform) },
    'herald started',
  );
  if (!adapters.length) {
    log.warn('no platform is configured: set the Discord, Telegram or X credentials described in the README (.env.example lists them)');
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('stopping: finishing deliveries in flight');
  // Deliveries in flight still need the platform clients; the database is closed last.
  await herald.worker.stop();
  for (const a of adapters) await a.stop();
  await herald.close();
}
