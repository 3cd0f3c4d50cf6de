import { describe, expect, it } from 'vitest';
import { publisherContract } from '../../contract/publisher-contract';
import { CHANNEL_ID, startWorld } from './world';

// The delivery worker's expectations of every publisher, met by the Telegram publisher over
// real HTTP to the loopback Bot API. Telegram has no idempotency key, so a resend after a lost
// answer can show twice.
publisherContract('telegram', async () => {
  const w = await startWorld({ detached: true });
  const target = w.config.targets['telegram-main']!;
  return {
    publisher: w.adapter.publisher,
    target,
    content: (text) => ({ text, entities: [] }),
    visible: () => w.emu.messages(CHANNEL_ID).filter((m) => !m.deleted).map((m) => ({ id: String(m.message_id), text: m.text })),
    failNextWithServerError: () => w.emu.injectFault({ method: 'sendMessage' }, { kind: 'status', status: 500 }),
    failNextPermanently: () => w.emu.injectFault({ method: 'sendMessage' }, { kind: 'kicked' }),
    rateLimitNext: (seconds) => w.emu.injectFault({ method: 'sendMessage' }, { kind: 'ratelimit', retryAfterSec: seconds }),
    loseNextAnswer: () => w.emu.injectFault({ method: 'sendMessage' }, { kind: 'timeoutAfterStore' }),
    pinned: () => w.emu.messages(CHANNEL_ID).filter((m) => m.pinned && !m.deleted).map((m) => String(m.message_id)),
    duplicateAfterLostAnswer: true,
    close: () => w.close(),
  };
});

describe('Telegram publisher: what its rate limits need', () => {
  it('no chats need no time; 30 chats fit in one second of the overall limit; 31 need a second more, 100 three more', async () => {
    const w = await startWorld({ detached: true });
    try {
      expect([0, 1, 30, 31, 100].map((n) => w.adapter.publisher.leastMs?.(n))).toEqual([0, 0, 0, 1000, 3000]);
    } finally {
      await w.close();
    }
  });
});
