import { HeraldError } from '../../core/errors';
import { refusesCredentials, type AdapterFactory } from '../types';
import { authKindOf, createXClient } from './client';
import { XPublisher } from './publisher';

/**
 * X is a publishing-only platform: no commands are taken there, so the adapter has no attach().
 * The account is looked up once at start to confirm the credentials: refused ones (401) stop
 * herald, an X that does not answer is connected again later; any other failure is logged and
 * each X delivery reports the reason itself.
 */
export const createXAdapter: AdapterFactory = async (config, log) => {
  if (!config.x) throw new Error('X is not configured: set X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_SECRET, or X_OAUTH2_USER_TOKEN');
  const timeoutMs = config.delivery.request_timeout_ms;
  const client = createXClient(config.x, timeoutMs);
  const publisher = new XPublisher(client, { timeoutMs, auth: authKindOf(config.x), log });
  let confirmFailed: unknown;
  try {
    const me = await publisher.account();
    log.info({ username: me.username }, `X: posting as @${me.username}`);
  } catch (err) {
    // The composition root decides what a refusal or no answer means (check below).
    if (refusesCredentials(err) || (err instanceof HeraldError && err.code === 'network')) confirmFailed = err;
    log.warn({ reason: (err as Error).message }, 'X: could not confirm the account; each X delivery will report why it fails');
  }
  return {
    platform: 'x',
    publisher,
    async check() {
      if (confirmFailed) throw confirmFailed;
    },
    async stop() {
      // Nothing to close: requests are one-shot and no connection is kept alive.
    },
  };
};

export { XPublisher, postUrl } from './publisher';
export type { XAccount } from './publisher';
