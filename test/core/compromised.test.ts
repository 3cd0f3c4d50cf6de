import { afterEach, describe, expect, it } from 'vitest';
import { compromisedTargets } from '../../src/core/read/compromised';
import { drafts } from '../../src/store/schema';
import { testHerald } from '../support/herald';
import { gate } from '../support/publisher';
import { deliveryTo } from '../support/rows';
import { until } from '../support/until';
import { INCIDENT_EXPLOIT_VARS } from '../support/vars';

let h: ReturnType<typeof testHerald>;
afterEach(async () => h?.close());

const draftCount = () => h.db.select().from(drafts).all().length;

/** Drafts through the command layer and gives it the sev1 policy's two approvals. */
function approved(text: string): number {
  const said = h.chat.say('alice', text);
  const preview = said.replies.find((r) => r.type === 'preview');
  if (!preview || preview.type !== 'preview') throw new Error(`no preview: ${said.text}`);
  const id = preview.view.draftId;
  h.chat.say('bob', `/approve #${id}`);
  h.chat.say('carol', `/approve #${id}`);
  return id;
}

describe('/compromised and /restored', () => {
  it('refuse bad input with one sentence, and draft nothing', async () => {
    h = testHerald();
    const refusals: Array<[string, string]> = [
      ['/compromised mastodon "hijacked"', 'There is no target `mastodon`; the targets are discord-main, telegram-main, x (/compromised <target> <what>).'],
      ['/compromised x', '/compromised needs what happened, in quotes (then any name=value): /compromised <target> <what>.'],
      ['/compromised x next_update="in 1 hour"', 'Say what happened, in quotes, before any name=value: /compromised x "<what happened>".'],
      ['/restored x', 'x is not marked compromised, so there is nothing to restore; /compromised x "<what happened>" marks it.'],
      ['/restored', '/restored needs a target, like x (the channel that is ours again): /restored <target> [name=value ...].'],
    ];
    for (const [typed, sentence] of refusals) expect(h.chat.say('alice', typed).text).toBe(sentence);
    expect(draftCount()).toBe(0);

    const first = approved('/compromised x "The account posts a drainer link" next_update="in 1 hour"');
    await h.herald.worker.idle();
    expect(compromisedTargets(h.db).map((m) => m.targetId)).toEqual(['x']);
    const before = draftCount();
    expect(h.chat.say('alice', '/compromised x "again"').text).toBe('x is already marked compromised since 2026-06-01 14:00 UTC; when it is ours again, /restored x.');
    const restoring = h.chat.say('alice', '/restored x next_update="in 1 hour"');
    expect(restoring.text).toContain('Marks x ours again');
    expect(h.chat.say('alice', '/restored x next_update="in 1 hour"').text).toBe(`#${before + 1} already proposes /restored x; approve it, or /cancel #${before + 1} and start again.`);
    expect(draftCount()).toBe(before + 1);
    expect(first).toBe(1);
  });

  it('a drafter who is not one may not mark a channel; a sev1’s approvals are needed', async () => {
    h = testHerald();
    expect(h.chat.say('bob', '/compromised x "hijacked"').text).toMatch(/^\/compromised needs the drafter role/u);
    const said = h.chat.say('alice', '/compromised x "hijacked" next_update="in 1 hour"');
    h.chat.say('bob', '/approve #1');
    expect(compromisedTargets(h.db)).toEqual([]);
    expect(said.text).toContain('Approvals: 0 of 2');
  });

  it('a thread already going out on X stops at the part it reached when X is marked', async () => {
    h = testHerald();
    const slow = gate();
    h.pubs.x.script('x', { gate: slow.promise });
    const statement = approved(`/draft sev1/exploit-investigating ${INCIDENT_EXPLOIT_VARS}`);
    await until(() => h.pubs.x.calls.includes('send x 0'), { what: 'the first X post to be under way' });
    approved('/compromised x "The account posts a drainer link" next_update="in 1 hour"');
    slow.open();
    await h.herald.worker.idle();
    // The post in flight landed; nothing after it did.
    expect(h.pubs.x.postsTo('x')).toHaveLength(1);
    expect(deliveryTo(h.db, 'x', statement)!.status).toBe('held');
    expect(h.chat.say('bob', `/status #${statement}`).text).toContain('⏸ x (X) — held: x (X) marked compromised since 2026-06-01 14:00 UTC (The account posts a drainer link); nothing goes there until /restored x');
    expect(deliveryTo(h.db, 'discord-main', statement)!.status).toBe('sent');
  });
});
