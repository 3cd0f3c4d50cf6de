import { afterEach, describe, expect, it } from 'vitest';
import { testHerald } from '../support/herald';
import { gate, rateLimited } from '../support/publisher';
import { deliveryTo, partsOf } from '../support/rows';
import { until } from '../support/until';
import { INCIDENT_EXPLOIT_VARS, INCIDENT_FUNDS_VARS } from '../support/vars';

let h: ReturnType<typeof testHerald> | undefined;
afterEach(async () => h?.close());

/** Drafts a sev1 statement and gives it its two approvals; its broadcast starts. */
function approve(text: string): number {
  const said = h!.chat.say('alice', text);
  const preview = said.replies.find((r) => r.type === 'preview');
  if (!preview || preview.type !== 'preview') throw new Error(`no preview: ${said.text}`);
  h!.chat.say('bob', `/approve #${preview.view.draftId}`);
  h!.chat.say('carol', `/approve #${preview.view.draftId}`);
  return preview.view.draftId;
}

const xIds = (draftId: number) => partsOf(h!.db, deliveryTo(h!.db, 'x', draftId)!.id).map((p) => p.messageId);

describe("an incident's deliveries to one target run in order", () => {
  it('a follow-up approved while the statement before it is still going out on X waits for it, then answers its last post', async () => {
    h = testHerald();
    const slow = gate();
    h.pubs.x.script('x', { gate: slow.promise });
    const first = approve(`/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
    await until(() => h!.pubs.x.calls.length === 1, { what: 'the first X post to be under way' });
    const second = approve(`/draft sev1/funds-update ${INCIDENT_FUNDS_VARS}`);
    // Discord and Telegram are not held up by X.
    await until(() => deliveryTo(h!.db, 'discord-main', second)?.status === 'sent', { what: 'the follow-up on Discord' });
    expect(h.pubs.x.calls).toEqual(['send x 0']);

    slow.open();
    await h.herald.worker.idle();
    const [firstPost] = xIds(second);
    expect(h.pubs.x.sent.find((s) => s.messageId === firstPost)!.replyTo).toBe(xIds(first).at(-1));
  });

  it('a follow-up waits while the statement before it retries on X', async () => {
    h = testHerald();
    // A wait long enough for the follow-up to overtake, were it free to.
    h.pubs.x.script('x', { error: rateLimited(300) });
    const first = approve(`/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
    const second = approve(`/draft sev1/funds-update ${INCIDENT_FUNDS_VARS}`);
    await h.herald.worker.idle();
    expect(deliveryTo(h.db, 'x', first)!.attempts).toBe(2);
    const order = h.pubs.x.sent.map((s) => s.messageId);
    expect(order).toEqual([...xIds(first), ...xIds(second)]);
    expect(h.pubs.x.sent.find((s) => s.messageId === xIds(second)[0])!.replyTo).toBe(xIds(first).at(-1));
  });
});
