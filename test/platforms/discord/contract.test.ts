import { afterEach, describe, expect, it } from 'vitest';
import type { DiscordEmulator } from '@herald/emulators/discord';
import { createDiscord, type DiscordAdapter } from '../../../src/platforms/discord';
import { PING_ONLY } from '../../../src/platforms/discord/publisher';
import type { Target } from '../../../src/config/types';
import { createLogger } from '../../../src/util/log';
import { publisherContract, type ContractHarness } from '../../contract/publisher-contract';
import { CH } from '../../support/cast';
import { discordWorld } from './setup';

/** The publisher alone, on the emulator: the worker is not involved, so every failure is seen as the worker would see it. */
async function publisherOnly(): Promise<{ emu: DiscordEmulator; adapter: DiscordAdapter; target: (id: string) => Target; close(): Promise<void> }> {
  const { emu, config } = await discordWorld();
  const adapter = await createDiscord(config, createLogger('silent'));
  return {
    emu,
    adapter,
    target: (id) => config.targets[id]!,
    async close() {
      await adapter.stop();
      await emu.close();
    },
  };
}

publisherContract('discord', async (): Promise<ContractHarness> => {
  const { emu, adapter, target, close } = await publisherOnly();
  const path = `/channels/${CH.status}/messages`;
  return {
    publisher: adapter.publisher,
    target: target('discord-status'),
    content: (text) => text,
    visible: () => emu.messages(CH.status).filter((m) => !m.deleted && m.type === 0).map((m) => ({ id: m.id, text: m.content })),
    failNextWithServerError: () => emu.injectFault({ method: 'POST', path }, { kind: 'status', status: 500 }),
    failNextPermanently: () => emu.injectFault({ method: 'POST', path }, { kind: 'error', status: 403, code: 50001, message: 'Missing Access' }),
    rateLimitNext: (seconds) => emu.injectFault({ method: 'POST', path }, { kind: 'ratelimit', retryAfterSec: seconds }),
    loseNextAnswer: () => emu.injectFault({ method: 'POST', path }, { kind: 'timeoutAfterStore' }),
    pinned: () => emu.messages(CH.status).filter((m) => m.pinned && !m.deleted).map((m) => m.id),
    duplicateAfterLostAnswer: false,
    close,
  };
});

describe('Discord publisher: the @everyone ping', () => {
  let h: Awaited<ReturnType<typeof publisherOnly>> | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const req = (target: Target, content: string, nonce: string, index = 0, total = 1) => ({
    target,
    deliveryId: 1,
    index,
    total,
    content,
    nonce,
    policy: { pingEveryone: true, pin: false },
  });

  it('sends the ping on its own before a first part it would push past 2,000 characters, once, and retracts it with the part', async () => {
    h = await publisherOnly();
    const news = h.target('discord-news');
    const full = 'Funds are safe. '.repeat(125).trim(); // 1,999 characters: "@everyone\n" would not fit
    const first = await h.adapter.publisher.send(req(news, full, 'herald-1-0', 0, 2));
    await h.adapter.publisher.send(req(news, 'Second part.', 'herald-1-1', 1, 2));
    // The same parts again (a resume after a crash): nothing new appears.
    await h.adapter.publisher.send(req(news, full, 'herald-1-0', 0, 2));
    const shown = h.emu.messages(CH.news).filter((m) => !m.deleted);
    expect(shown.map((m) => [m.content.slice(0, 12), m.mention_everyone])).toEqual([
      [PING_ONLY, true],
      [full.slice(0, 12), false],
      ['Second part.', false],
    ]);
    expect(shown[1]?.id).toBe(first.messageId);

    await h.adapter.publisher.remove({ target: news, message: first });
    expect(h.emu.messages(CH.news).filter((m) => !m.deleted).map((m) => m.content)).toEqual(['Second part.']);
  });

  it('puts the ping in the first part when it fits, and in no other part', async () => {
    h = await publisherOnly();
    const status = h.target('discord-status');
    await h.adapter.publisher.send(req(status, 'Part one.', 'herald-2-0', 0, 2));
    await h.adapter.publisher.send(req(status, 'Part two.', 'herald-2-1', 1, 2));
    const shown = h.emu.messages(CH.status);
    expect(shown.map((m) => [m.content, m.mention_everyone, m.allowed_mentions])).toEqual([
      ['@everyone\nPart one.', true, { parse: ['everyone'] }],
      ['Part two.', false, { parse: [] }],
    ]);
  });
});

describe('Discord publisher: what its rate limits need', () => {
  it('no channels need no time; a statement to 16 channels fits in one window of the global limit (48 requests); 17 channels need a second more, 100 five more', async () => {
    const h = await publisherOnly();
    try {
      expect([0, 1, 16, 17, 25, 100].map((n) => h.adapter.publisher.leastMs?.(n))).toEqual([0, 0, 0, 1000, 1000, 5000]);
    } finally {
      await h.close();
    }
  });
});
