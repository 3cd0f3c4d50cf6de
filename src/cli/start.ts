import { loadConfig } from '../config/load';
import { createHerald } from '../app';
import { createLogger } from '../util/log';

/** `herald start`: validate everything, migrate, resume pending deliveries, then serve until a signal. */
export async function start(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const herald = createHerald(config);
  const platforms: string[] = [];
  herald.worker.kick();
  log.info({ db: config.paths.db, templates: herald.core.library.templates.size, faq: herald.core.library.faq.size }, 'herald started');
  if (!platforms.length) {
    log.warn('no chat platform is configured yet: set the Discord, Telegram or X credentials described in the README to connect one');
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('stopping: finishing deliveries in flight');
  await herald.close();
}
