import { afterEach, describe, expect, it } from 'vitest';
import { deliveries } from '../../src/store/schema';
import { testHerald } from '../support/herald';
import { EXPLOIT_VARS, WEB_APP_VARS } from '../support/vars';

let h: ReturnType<typeof testHerald>;
afterEach(async () => h?.close());

const MAINTENANCE_VARS = 'work="an upgrade of the Acme lending contracts" start="2026-12-02 14:00 UTC" duration="about 2 hours" impact="Deposits are paused meanwhile."';
const FUNDS_VARS = 'incident="the exploit of the USDC lending pool" confirmed_impact="1,204,530 USDC was taken from the pool." next_update="by 17:00 UTC"';

/** The Discord link of a draft's post: what a moderator's answer on Discord points to. */
const linkOf = (draftId: number) => h.db.select().from(deliveries).all().find((d) => d.draftId === draftId && d.targetId === 'discord-main' && d.link)!.link!;

async function publish(draft: string, approvers: string[]) {
  const said = h.chat.say('alice', draft);
  const id = /#(\d+)/.exec(said.text)![1];
  for (const a of approvers) h.chat.say(a, `/approve #${id}`);
  await h.herald.worker.idle();
  return Number(id);
}

const faq = (topic: string) => h.chat.say('dave', `/faq ${topic}`).text;

describe('FAQ answers speak for the most severe open incident', () => {
  it('a sev4 maintenance notice published during a sev1 incident is never what funds-safe or next-update link', async () => {
    h = testHerald();
    const sev1 = await publish(`/draft sev1/exploit-investigating ${EXPLOIT_VARS}`, ['bob', 'carol']);
    const sev4 = await publish(`/draft sev4/maintenance-scheduled ${MAINTENANCE_VARS}`, ['bob']);
    for (const topic of ['funds-safe', 'next-update']) {
      const answer = faq(topic);
      expect(answer).toContain(linkOf(sev1));
      expect(answer).not.toContain(linkOf(sev4));
    }
  });

  it('after /incident close the FAQ no longer quotes its statements and gives the standard answer', async () => {
    h = testHerald();
    const sev1 = await publish(`/draft sev1/exploit-investigating ${EXPLOIT_VARS}`, ['bob', 'carol']);
    expect(faq('funds-safe')).toContain(linkOf(sev1));
    expect(h.chat.say('alice', '/incident close 1').text).toBe('Incident 1 is closed; its open promises no longer stand.');
    const funds = faq('funds-safe');
    expect(funds).not.toContain(linkOf(sev1));
    expect(funds).toContain('We have not published any incident statement about an open incident: none is open right now.');
    const next = faq('next-update');
    expect(next).not.toContain(linkOf(sev1));
    expect(next).toContain('No incident is open, so no update is scheduled.');
    expect(faq('scam-warning')).not.toContain(linkOf(sev1));
  });

  it('with two incidents open, answers from the more severe one even when the other spoke later', async () => {
    h = testHerald();
    const sev1 = await publish(`/draft sev1/exploit-investigating ${EXPLOIT_VARS}`, ['bob', 'carol']);
    h.chat.say('alice', '/incident open "Web app slow"');
    const sev2 = await publish(`/draft sev2/degraded-service ${WEB_APP_VARS}`, ['bob']);
    const answer = faq('funds-safe');
    expect(answer).toContain(linkOf(sev1));
    expect(answer).not.toContain(linkOf(sev2));
    // Once the sev1 incident is closed, the open sev2 incident answers.
    h.chat.say('alice', '/incident close 1');
    expect(faq('funds-safe')).toContain(linkOf(sev2));
  });

  it('a correction of an earlier statement does not make it the latest: the funds update still answers', async () => {
    h = testHerald();
    const first = await publish(`/draft sev1/exploit-investigating ${EXPLOIT_VARS}`, ['bob', 'carol']);
    const update = await publish(`/draft sev1/funds-update ${FUNDS_VARS}`, ['bob', 'carol']);
    h.chat.say('alice', `/correct #${first} affected="the USDC and USDT lending pools on Ethereum"`);
    h.chat.say('bob', `/approve #${first}`);
    h.chat.say('carol', `/approve #${first}`);
    await h.herald.worker.idle();
    const answer = faq('funds-safe');
    expect(answer).toContain(linkOf(update));
    expect(answer).not.toContain(linkOf(first));
    expect(faq('next-update')).toContain('17:00 UTC');
  });
});
