import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/config/types';
import { HeraldError } from '../../src/core/errors';
import type { PartContent, Publisher, SendRequest } from '../../src/core/delivery/publisher';

/**
 * What every platform's publisher promises the delivery worker, checked against that platform's
 * loopback emulator with the real client library. Each platform's test file calls
 * `publisherContract` with a harness; the assertions are the same for all.
 */
export interface ContractHarness {
  publisher: Publisher;
  target: Target;
  /** The platform's content for a plain text (a Discord string, a Telegram part, an X post). */
  content(text: string): PartContent;
  /** What the platform now shows for the target, oldest first, deleted ones left out. */
  visible(): Array<{ id: string; text: string; replyTo?: string }>;
  /** The next send answers a server error (5xx). */
  failNextWithServerError(): void;
  /** The next send answers an error no retry can fix (bot removed, chat gone, no permission). */
  failNextPermanently(): void;
  /** The next send is refused with a rate limit asking for this many seconds. */
  rateLimitNext(seconds: number): void;
  /** The next send is stored by the platform, but its answer never arrives. */
  loseNextAnswer(): void;
  /** The ids the platform shows pinned for the target, where it pins at all (X does not). */
  pinned?(): string[];
  /** Whether a resend after a lost answer can show twice (Telegram has no idempotency key). */
  duplicateAfterLostAnswer: boolean;
  close(): Promise<void>;
}

const policy = { pingEveryone: false, pin: false };

export function publisherContract(name: string, make: () => Promise<ContractHarness>): void {
  describe(`publisher contract: ${name}`, () => {
    let h: ContractHarness;
    let next = 1;
    const req = (text: string, extra: Partial<SendRequest> = {}): SendRequest => ({
      target: h.target,
      deliveryId: 9000 + next,
      index: 0,
      total: 1,
      content: h.content(text),
      nonce: `contract-${next++}`,
      policy,
      ...extra,
    });
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => h.close());

    it('send posts the text and returns the id the platform shows', async () => {
      const sent = await h.publisher.send(req('Contract: the pool is paused.'));
      expect(h.visible()).toEqual([expect.objectContaining({ id: sent.messageId, text: 'Contract: the pool is paused.' })]);
    });

    it('parts sent in order arrive in order, each answering the previous where the platform threads', async () => {
      const first = await h.publisher.send(req('Part one.', { index: 0, total: 3 }));
      const second = await h.publisher.send(req('Part two.', { index: 1, total: 3, replyTo: first }));
      await h.publisher.send(req('Part three.', { index: 2, total: 3, replyTo: second }));
      const shown = h.visible();
      expect(shown.map((m) => m.text)).toEqual(['Part one.', 'Part two.', 'Part three.']);
      if (h.publisher.platform === 'x') expect(shown.map((m) => m.replyTo)).toEqual([undefined, shown[0]!.id, shown[1]!.id]);
    });

    it('edit changes a post in place where the platform allows it', async () => {
      const sent = await h.publisher.send(req('Before the correction.'));
      if (!h.publisher.editsInPlace) {
        await expect(h.publisher.edit({ target: h.target, message: sent, content: h.content('After.'), index: 0, total: 1 })).rejects.toBeInstanceOf(HeraldError);
        return;
      }
      await h.publisher.edit({ target: h.target, message: sent, content: h.content('After the correction.'), index: 0, total: 1 });
      expect(h.visible()).toEqual([expect.objectContaining({ id: sent.messageId, text: 'After the correction.' })]);
    });

    it('remove deletes a post, and removing it again still succeeds', async () => {
      const sent = await h.publisher.send(req('To be retracted.'));
      await h.publisher.remove({ target: h.target, message: sent });
      expect(h.visible()).toEqual([]);
      await h.publisher.remove({ target: h.target, message: sent });
    });

    it('where the platform pins: finish pins the first part, unpin takes off that pin only, and unpinning a deleted message succeeds', async () => {
      const { pin, unpin, finish } = h.publisher;
      expect([pin, unpin, finish].map((f) => f !== undefined)).toEqual(h.pinned ? [true, true, true] : [false, false, false]);
      if (!h.pinned || !finish) return;
      const older = await h.publisher.send(req('The superseded statement.'));
      const newer = await h.publisher.send(req('The latest statement.'));
      await h.publisher.pin!({ target: h.target, message: older });
      expect(await finish.call(h.publisher, { target: h.target, messages: [newer], policy: { pingEveryone: false, pin: true } })).toEqual({ notes: [], pinned: true });
      expect(h.pinned().sort()).toEqual([older.messageId, newer.messageId].sort());
      await h.publisher.unpin!({ target: h.target, message: older });
      expect(h.pinned()).toEqual([newer.messageId]);
      await h.publisher.remove({ target: h.target, message: newer });
      expect(h.pinned()).toEqual([]);
      await h.publisher.unpin!({ target: h.target, message: newer });
    });

    it('a server error is a retryable HeraldError, and the next send goes through', async () => {
      h.failNextWithServerError();
      const err = await h.publisher.send(req('First try.')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HeraldError);
      expect(err).toMatchObject({ retryable: true });
      await h.publisher.send(req('Second try.'));
      expect(h.visible().map((m) => m.text)).toEqual(['Second try.']);
    });

    it('a permanent refusal is a HeraldError that is not retryable, with a reason a person can act on', async () => {
      h.failNextPermanently();
      const err = await h.publisher.send(req('Nobody will see this.')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HeraldError);
      expect(err).toMatchObject({ retryable: false, code: 'platform_rejected' });
      expect((err as Error).message.length).toBeGreaterThan(10);
      expect(h.visible()).toEqual([]);
    });

    it('a rate limit is either waited out by the client or reported with the wait the platform asked for', async () => {
      h.rateLimitNext(1);
      const result = await h.publisher.send(req('Under a rate limit.')).catch((e: unknown) => e);
      if (result instanceof HeraldError) {
        expect(result).toMatchObject({ code: 'rate_limited', retryable: true });
        expect(result.retryAfterMs).toBeGreaterThanOrEqual(1000);
        expect(h.visible()).toEqual([]);
      } else {
        expect(h.visible().map((m) => m.text)).toEqual(['Under a rate limit.']);
      }
    });

    it('a resend of the same part after a lost answer shows once (or, where the platform cannot tell, at most twice)', async () => {
      h.loseNextAnswer();
      const request = req('Sent once, answered never.');
      const lost = await h.publisher.send(request).catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(HeraldError);
      expect(lost).toMatchObject({ retryable: true });
      await h.publisher.send(request);
      const copies = h.visible().filter((m) => m.text === 'Sent once, answered never.').length;
      expect(copies).toBe(h.duplicateAfterLostAnswer ? 2 : 1);
    });
  });
}
