import type { Platform } from '../../src/config/types';
import { HeraldError } from '../../src/core/errors';
import type { PartContent, Publisher, SendRequest, SentMessage } from '../../src/core/delivery/publisher';
import { contentText } from '../../src/core/delivery/publisher';

export type Step = 'ok' | { error: HeraldError } | { delayMs: number } | { gate: Promise<void> } | 'hang';

/**
 * An in-process publisher for the core's tests: it records what it was asked to post and can be
 * scripted per target to be slow, fail, rate-limit or hang. (Platform adapters are tested against
 * loopback emulators with the real client libraries instead.)
 */
export class ScriptedPublisher implements Publisher {
  readonly sent: Array<{ targetId: string; index: number; total: number; text: string; nonce: string; replyTo?: string; messageId: string }> = [];
  readonly edited: Array<{ targetId: string; messageId: string; text: string }> = [];
  readonly removed: Array<{ targetId: string; messageId: string }> = [];
  readonly calls: string[] = [];
  /** What the worker said was coming (expect()), each call's delivery ids, and how many posts had been sent by then. */
  readonly announced: Array<{ ids: number[]; sentBefore: number }> = [];
  /** What this platform's rate limits need for so many deliveries (Publisher.leastMs), when a test gives it limits. */
  leastMs?: (deliveries: number) => number;
  private readonly scripts = new Map<string, Step[]>();
  private next = 1;

  constructor(
    readonly platform: Platform,
    readonly editsInPlace = platform !== 'x',
    /** Every send of the publishers sharing it, in the order they started, as `platform target index`. */
    readonly sends: string[] = [],
  ) {}

  /** The next calls for a target take these steps, in order; after them, every call succeeds. */
  script(targetId: string, ...steps: Step[]): this {
    this.scripts.set(targetId, [...(this.scripts.get(targetId) ?? []), ...steps]);
    return this;
  }

  private async step(targetId: string): Promise<void> {
    const step = this.scripts.get(targetId)?.shift() ?? 'ok';
    if (step === 'ok') return;
    if (step === 'hang') return new Promise(() => {});
    if ('delayMs' in step) return new Promise((r) => setTimeout(r, step.delayMs));
    if ('gate' in step) return step.gate;
    throw step.error;
  }

  expect(deliveryIds: readonly number[]): void {
    this.announced.push({ ids: [...deliveryIds], sentBefore: this.calls.filter((c) => c.startsWith('send ')).length });
  }

  async send(req: SendRequest): Promise<SentMessage> {
    this.calls.push(`send ${req.target.id} ${req.index}`);
    this.sends.push(`${this.platform} ${req.target.id} ${req.index}`);
    await this.step(req.target.id);
    const messageId = String(this.next++);
    this.sent.push({ targetId: req.target.id, index: req.index, total: req.total, text: contentText(req.content), nonce: req.nonce, messageId, ...(req.replyTo ? { replyTo: req.replyTo.messageId } : {}) });
    return { messageId, url: `https://${this.platform}.test/${req.target.id}/${messageId}` };
  }

  async edit(req: { target: { id: string }; message: SentMessage; content: PartContent }): Promise<void> {
    this.calls.push(`edit ${req.target.id} ${req.message.messageId}`);
    await this.step(req.target.id);
    this.edited.push({ targetId: req.target.id, messageId: req.message.messageId, text: contentText(req.content) });
  }

  async remove(req: { target: { id: string }; message: SentMessage }): Promise<void> {
    this.calls.push(`remove ${req.target.id} ${req.message.messageId}`);
    await this.step(req.target.id);
    this.removed.push({ targetId: req.target.id, messageId: req.message.messageId });
  }

  postsTo(targetId: string) {
    return this.sent.filter((s) => s.targetId === targetId);
  }
}

export const retryable = (message = 'Discord answered 500 Internal Server Error') => new HeraldError('platform_rejected', message, { retryable: true, status: 500 });
export const rateLimited = (ms: number) => new HeraldError('rate_limited', `rate limited; asked to wait ${ms} ms`, { retryAfterMs: ms });
export const permanent = (message = 'Telegram answered 403: bot was kicked from the channel chat') => new HeraldError('platform_rejected', message, { retryable: false, status: 403 });

export function publishers() {
  const sends: string[] = [];
  return { discord: new ScriptedPublisher('discord', true, sends), telegram: new ScriptedPublisher('telegram', true, sends), x: new ScriptedPublisher('x', false, sends) };
}

/** A promise the test opens when it chooses: a platform that answers only then. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
