import { afterEach, describe, expect, it } from 'vitest';
import twitterText from 'twitter-text';
import { loadLibrary } from '../../../src/core/templates/library';
import { renderTemplate } from '../../../src/core/statement/render';
import type { SentMessage } from '../../../src/core/delivery/publisher';
import { DEFAULT_X_USER } from '@herald/emulators/x';
import { ROOT } from '../../support/config';
import { THREAD_VALUES } from '../../support/vars';
import { livePosts, xSetup } from './helpers';

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

describe('an X thread rendered from a real template', () => {
  it('posts three parts with a link and CJK text, each within 280 weighted characters, as a reply chain', async () => {
    const { emu, config, adapter, publisher } = await xSetup();
    close = async () => (await adapter.stop(), await emu.close());
    const template = loadLibrary(`${ROOT}/templates`, ROOT).templates.get('sev1/exploit-investigating')!;
    const parts = renderTemplate(template, THREAD_VALUES, config).x;

    expect(parts).toHaveLength(3);
    expect(parts.map((p) => p.split('\n').at(-1))).toEqual(['1/3', '2/3', '3/3']);
    for (const part of parts) {
      const parsed = twitterText.parseTweet(part);
      expect(parsed.valid).toBe(true);
      expect(parsed.weightedLength).toBeLessThanOrEqual(280);
    }
    // The counting that matters: CJK weighs 2 and a link 23, whatever its length.
    const withLink = parts.find((p) => p.includes('https://status.acme.finance'))!;
    const cjk = parts.find((p) => /[\u4e00-\u9fff]/.test(p))!;
    expect(twitterText.parseTweet(cjk).weightedLength).toBeGreaterThan([...cjk].length);
    expect(twitterText.parseTweet(withLink).weightedLength).toBe(twitterText.parseTweet(withLink.replace('https://status.acme.finance', 'x'.repeat(23))).weightedLength);

    const sent: SentMessage[] = [];
    for (const [index, content] of parts.entries()) {
      const previous = sent.at(-1);
      sent.push(await publisher.send({ target: config.targets['x']!, deliveryId: 1, index, total: 3, content, nonce: `n-${index}`, policy: { pingEveryone: false, pin: false }, ...(previous ? { replyTo: previous } : {}) }));
    }

    const posts = livePosts(emu);
    expect(posts.map((p) => p.text)).toEqual(parts);
    expect(posts.map((p) => p.id)).toEqual(sent.map((s) => s.messageId));
    expect(posts.map((p) => p.in_reply_to_tweet_id)).toEqual([undefined, sent[0]!.messageId, sent[1]!.messageId]);
    expect(new Set(posts.map((p) => p.conversation_id))).toEqual(new Set([sent[0]!.messageId]));
    expect(sent.map((s) => s.url)).toEqual(sent.map((s) => `https://x.com/${DEFAULT_X_USER.username}/status/${s.messageId}`));
  });
});
