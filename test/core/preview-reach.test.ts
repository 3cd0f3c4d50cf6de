import { afterEach, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { deliveries } from '../../src/store/schema';
import { buildView, headerText } from '../../src/core/previews/view';
import { testHerald } from '../support/herald';
import { testConfig } from '../support/config';
import { EXPLOIT_VARS, WEB_APP_VARS } from '../support/vars';

let h: ReturnType<typeof testHerald>;
afterEach(async () => h?.close());

const MAINTENANCE_VARS = 'work="an upgrade of the Acme lending contracts" start="2026-12-02 14:00 UTC" duration="about 2 hours" impact="Deposits are paused meanwhile."';
const view = (id = 1) => buildView(h.herald.core, h.db, id);

function publishSev1() {
  h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
  h.chat.say('bob', '/approve #1');
  return h.chat.say('carol', '/approve #1');
}

describe('the preview says where a statement goes', () => {
  it('lists each target with its platform, @everyone and pin, from the severity policy', () => {
    h = testHerald();
    const shown = h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`).text;
    expect(shown).toContain('Goes to:\n• discord-main on Discord: @everyone, pinned\n• telegram-main on Telegram: pinned\n• x on X: X has no pins or @everyone');
    expect(shown).toContain('Next update: ');
  });

  it('shows no X for a policy that does not post to X', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev4/maintenance-scheduled ${MAINTENANCE_VARS}`);
    const header = headerText(view());
    expect(header).toContain('Goes to:\n• discord-main on Discord: no @everyone, not pinned\n• telegram-main on Telegram: not pinned');
    expect(header).not.toMatch(/\bX\b/);
    expect(view().platforms.map((p) => p.platform)).toEqual(['discord', 'telegram']);
  });
});

describe('a retraction is not silent', () => {
  it('previews the public notice, says "Retracting now", deletes the posts and then posts the notice everywhere', async () => {
    h = testHerald();
    publishSev1();
    await h.herald.worker.idle();
    const before = { discord: h.pubs.discord.sent.length, telegram: h.pubs.telegram.sent.length, x: h.pubs.x.sent.length };
    const preview = h.chat.say('alice', '/retract #1 it named the wrong pool').text;
    expect(preview).toContain('Deletes the posts on:\n• discord-main on Discord: deleted');
    expect(preview).toContain('Then posts this public notice on each of them:\n⚠️ Acme Finance: we have removed our update of');
    expect(preview).toContain('Why: it named the wrong pool');
    h.chat.say('bob', '/approve #1');
    expect(h.chat.say('carol', '/approve #1').text).toBe('carol approved #1 (2 of 2). Retracting now.');
    await h.herald.worker.idle();
    for (const pub of [h.pubs.discord, h.pubs.telegram, h.pubs.x]) {
      const notice = pub.sent.slice(pub === h.pubs.x ? before.x : pub === h.pubs.discord ? before.discord : before.telegram);
      expect(notice).toHaveLength(1);
      expect(notice[0]!.text).toMatch(/Why:\**:? it named the wrong pool/);
      expect(pub.removed.length).toBeGreaterThan(0);
    }
    const rows = h.db.select().from(deliveries).all().filter((d) => d.broadcastId === 2);
    expect(rows.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('is silent where the policy says retraction_notice: false, and says so in the preview', async () => {
    const config = testConfig();
    config.policies.sev2 = { ...config.policies.sev2, retraction_notice: false };
    h = testHerald(config);
    h.chat.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
    h.chat.say('bob', '/approve #1');
    await h.herald.worker.idle();
    const sent = h.pubs.discord.sent.length;
    expect(h.chat.say('alice', '/retract #1 posted in the wrong incident').text).toContain('No public notice is posted (retraction_notice is off for sev2).');
    expect(h.chat.say('bob', '/approve #1').text).toBe('bob approved #1 (1 of 1). Retracting now.');
    await h.herald.worker.idle();
    expect(h.pubs.discord.removed).toHaveLength(1);
    expect(h.pubs.discord.sent).toHaveLength(sent);
  });

  it('a sev3 retraction posts no notice by default', async () => {
    h = testHerald();
    h.chat.say('alice', '/draft sev3/incident-minor affected="the docs site" impact="Some pages do not load."');
    h.chat.say('bob', '/approve #1');
    await h.herald.worker.idle();
    expect(h.chat.say('alice', '/retract #1 a false alarm').text).toContain('No public notice is posted (retraction_notice is off for sev3).');
  });
});

describe('an X correction says what changed, only where X changed', () => {
  it('posts one "Correction:" reply naming the changed value when the X text changed', async () => {
    h = testHerald();
    publishSev1();
    await h.herald.worker.idle();
    const thread = h.pubs.x.postsTo('x');
    const preview = h.chat.say('alice', '/correct #1 funds_status="Funds in all other Acme pools are not affected."').text;
    expect(preview).toContain('• x on X: a "Correction:" reply to the original');
    h.chat.say('bob', '/approve #1');
    expect(h.chat.say('carol', '/approve #1').text).toBe('carol approved #1 (2 of 2). Correcting now.');
    await h.herald.worker.idle();
    const posted = h.pubs.x.postsTo('x').slice(thread.length);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toMatch(/^Correction: we changed funds status in the update above\.\nFunds status: Funds in all other Acme pools are not affected\.\nCorrected \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    expect(posted[0]!.replyTo).toBe(thread[0]!.messageId);
    expect(h.pubs.discord.edited).toHaveLength(1);
  });

  it('posts nothing on X when only the Discord and Telegram text changed', async () => {
    h = testHerald();
    publishSev1();
    await h.herald.worker.idle();
    const xBefore = h.pubs.x.sent.length;
    // confirmed_facts is in the main text only, not in the X variant.
    const preview = h.chat.say('alice', '/correct #1 confirmed_facts="At 13:42 UTC our monitoring detected abnormal withdrawals."').text;
    expect(preview).toContain('X: unchanged, nothing posted');
    expect(preview).toContain('• x on X: unchanged, nothing posted');
    h.chat.say('bob', '/approve #1');
    h.chat.say('carol', '/approve #1');
    await h.herald.worker.idle();
    expect(h.pubs.x.sent).toHaveLength(xBefore);
    expect(h.pubs.discord.edited[0]!.text).toContain('abnormal withdrawals');
    expect(h.db.select().from(deliveries).orderBy(asc(deliveries.id)).all().filter((d) => d.broadcastId === 2).map((d) => d.targetId)).toEqual(['discord-main', 'telegram-main']);
  });
});

describe('critical values reach every platform', () => {
  it('/draft and /edit of funds_status and user_action change the X thread', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    const first = view().rendered.x.join('\n');
    expect(first).toContain('User funds: still being assessed.');
    h.chat.say('alice', '/edit #1 funds_status="Funds in all other Acme pools are not affected."');
    const edited = view().rendered.x.join('\n');
    expect(edited).not.toBe(first);
    expect(edited).toContain('User funds: Funds in all other Acme pools are not affected.');
    h.chat.say('alice', '/edit #1 user_action="Do not deposit into any Acme pool until further notice."');
    expect(view().rendered.x.join('\n')).toContain('Do not deposit into any Acme pool until further notice.');
  });
});

describe('FAQ answers are true', () => {
  it('after a later statement is retracted, funds-safe answers from the live sev1', async () => {
    h = testHerald();
    publishSev1();
    await h.herald.worker.idle();
    h.chat.say('alice', `/draft sev2/degraded-service ${WEB_APP_VARS}`);
    h.chat.say('bob', '/approve #2');
    await h.herald.worker.idle();
    h.chat.say('alice', '/retract #2 posted in the wrong incident');
    h.chat.say('bob', '/approve #2');
    await h.herald.worker.idle();
    const sev1Link = h.db.select().from(deliveries).all().find((d) => d.draftId === 1 && d.targetId === 'discord-main')!.link!;
    const answer = h.chat.say('dave', '/faq funds-safe').text;
    expect(answer).toContain(sev1Link);
    expect(answer).not.toContain('We have not published any incident statement');
  });

  it('after a sev4 maintenance notice, funds-safe does not link to it', async () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev4/maintenance-scheduled ${MAINTENANCE_VARS}`);
    h.chat.say('bob', '/approve #1');
    await h.herald.worker.idle();
    const link = h.db.select().from(deliveries).all().find((d) => d.targetId === 'discord-main')!.link!;
    const answer = h.chat.say('dave', '/faq funds-safe').text;
    expect(answer).not.toContain(link);
    expect(answer).toContain('We have not published any incident statement');
  });
});
