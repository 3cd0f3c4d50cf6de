import { publisherContract } from '../../contract/publisher-contract';
import { xSetup } from './helpers';

const POST = { method: 'POST', path: '/2/tweets' } as const;

publisherContract('x', async () => {
  // A short bound so the lost answer fails fast, and long enough that a loaded machine answers a normal request within it.
  const { emu, config, adapter, publisher } = await xSetup({ delivery: { request_timeout_ms: 1_500 } });
  return {
    publisher,
    target: config.targets['x']!,
    content: (text) => text,
    visible: () =>
      emu
        .posts()
        .filter((p) => !p.deleted)
        .map((p) => ({ id: p.id, text: p.text, ...(p.in_reply_to_tweet_id ? { replyTo: p.in_reply_to_tweet_id } : {}) })),
    failNextWithServerError: () => emu.injectFault(POST, { kind: 'status', status: 503 }),
    failNextPermanently: () => emu.injectFault(POST, { kind: 'forbidden' }),
    rateLimitNext: (seconds) => emu.injectFault(POST, { kind: 'ratelimit', resetInSec: seconds }),
    loseNextAnswer: () => emu.injectFault(POST, { kind: 'timeoutAfterStore' }),
    // X refuses the second copy as duplicate content, and herald records the first.
    duplicateAfterLostAnswer: false,
    close: async () => {
      await adapter.stop();
      await emu.close();
    },
  };
});
