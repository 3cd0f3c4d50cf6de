import { afterEach, describe, expect, it } from 'vitest';
import { approvals, broadcasts, deliveries, drafts } from '../../src/store/schema';
import { testHerald } from '../support/herald';
import { EXPLOIT_VARS } from '../support/vars';
import { testConfig } from '../support/config';
import { gate, permanent, rateLimited, retryable } from '../support/publisher';
import { audited } from '../support/audit';
import { deliveryTo, partsOf } from '../support/rows';
import { onPostgres } from '../support/postgres';
import { until } from '../support/until';

let h: ReturnType<typeof testHerald>;
afterEach(async () => h?.close());

const delivery = (target: string) => deliveryTo(h.db, target);
const auditOf = (type: string) => audited(h.db, type);

function publishSev1() {
  h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
  h.chat.say('bob', '/approve #1');
  return h.chat.say('carol', '/approve #1');
}

describe('the final approval', () => {
  it('records the approval, the broadcast, one pending delivery per target and the audit event in one transaction', async () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    h.chat.say('bob', '/approve #1');
    // Make the third delivery's insert fail: the whole approval must roll back with it.
    h.db.$client.exec(
      onPostgres()
        ? `CREATE FUNCTION fail_x() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.target_id = 'x' THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$;
           CREATE TRIGGER fail_x BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION fail_x()`
        : `CREATE TRIGGER fail_x BEFORE INSERT ON deliveries WHEN NEW.target_id = 'x' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`,
    );
    expect(() => h.chat.say('carol', '/approve #1')).toThrow(/disk on fire/);
    expect(h.db.select().from(approvals).all()).toHaveLength(1);
    expect(h.db.select().from(broadcasts).all()).toHaveLength(0);
    expect(h.db.select().from(deliveries).all()).toHaveLength(0);
    expect(h.db.select().from(drafts).get()!.status).toBe('awaiting_approval');
    expect(auditOf('broadcast.started')).toHaveLength(0);

    h.db.$client.exec(onPostgres() ? 'DROP TRIGGER fail_x ON deliveries' : 'DROP TRIGGER fail_x');
    const final = h.chat.say('carol', '/approve #1');
    // The one broadcast (PostgreSQL does not take back the id the rolled-back attempt drew).
    const [only] = h.db.select().from(broadcasts).all();
    expect(h.db.select().from(broadcasts).all()).toHaveLength(1);
    expect(final.outcome.broadcastId).toBe(only!.id);
    const rows = h.db.select().from(deliveries).all();
    expect(rows.map((d) => d.targetId).sort()).toEqual(['discord-main', 'telegram-main', 'x']);
    expect(auditOf('broadcast.started')[0]!.data.targets).toEqual(['discord-main', 'telegram-main', 'x']);
    await h.herald.worker.idle();
    expect(h.db.select().from(deliveries).all().every((d) => d.status === 'sent')).toBe(true);
    expect(h.pubs.discord.postsTo('discord-main')).toHaveLength(1);
    expect(h.pubs.telegram.postsTo('telegram-main')).toHaveLength(1);
  });
});

describe('the delivery worker', () => {
  it('a platform failing twice then succeeding ends sent, with three attempts logged', async () => {
    h = testHerald();
    h.pubs.discord.script('discord-main', { error: retryable() }, { error: retryable() });
    publishSev1();
    await h.herald.worker.idle();
    const d = delivery('discord-main');
    expect(d).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    const attempts = auditOf('delivery.attempt').filter((e) => e.data.target === 'discord-main');
    expect(attempts.map((a) => [a.data.attempt, a.data.ok])).toEqual([[1, false], [2, false], [3, true]]);
    expect(attempts[0]!.data.reason).toBe('Discord answered 500 Internal Server Error');
    expect(h.pubs.discord.postsTo('discord-main')).toHaveLength(1);
  });

  it('a permanent failure ends failed with the reason at once and does not hold back the other targets', async () => {
    h = testHerald();
    h.pubs.telegram.script('telegram-main', { error: permanent() });
    publishSev1();
    await h.herald.worker.idle();
    expect(delivery('telegram-main')).toMatchObject({ status: 'failed', attempts: 1, lastError: 'Telegram answered 403: bot was kicked from the channel chat' });
    expect(delivery('discord-main')!.status).toBe('sent');
    expect(delivery('x')!.status).toBe('sent');
    const shown = h.chat.say('bob', '/status #1').text;
    expect(shown).toContain('❌ telegram-main (Telegram) — Telegram answered 403: bot was kicked from the channel chat; not retried; fix the cause, then /retry #1');
    expect(shown).toMatch(/✅ discord-main \(Discord\) — https:\/\/discord\.test\//);
  });

  it('/retry sends a failed delivery again once the cause is fixed, and only what failed', async () => {
    h = testHerald();
    h.pubs.telegram.script('telegram-main', { error: permanent() });
    publishSev1();
    await h.herald.worker.idle();
    expect(h.chat.say('bob', '/retry #1').text).toBe('Retrying #1 on telegram-main.');
    await h.herald.worker.idle();
    expect(delivery('telegram-main')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(h.pubs.telegram.postsTo('telegram-main')).toHaveLength(1);
    expect(h.pubs.discord.postsTo('discord-main')).toHaveLength(1);
    expect(auditOf('delivery.retried')[0]!.data).toEqual({ broadcast: 1, targets: ['telegram-main'] });
    expect(h.chat.say('bob', '/retry #1').text).toBe('Nothing of #1 has failed, so there is nothing to retry; /status #1 shows each delivery.');
  });

  it('a slow platform delays nobody else', async () => {
    h = testHerald();
    const x = gate();
    h.pubs.x.script('x', { gate: x.promise });
    publishSev1();
    await until(() => delivery('discord-main')?.status === 'sent' && delivery('telegram-main')?.status === 'sent', { what: 'the deliveries to Discord and Telegram to be sent' });
    expect(delivery('x')!.status).toBe('pending');
    expect(h.chat.say('bob', '/status #1').text).toContain('⏳ x (X) — pending');
    x.open();
    await h.herald.worker.idle();
    expect(delivery('x')!.status).toBe('sent');
  });

  it('honours the wait a platform asks for, and fails a wait longer than the bound with the reason', async () => {
    h = testHerald();
    h.pubs.discord.script('discord-main', { error: rateLimited(30) });
    h.pubs.x.script('x', { error: rateLimited(3_600_000) });
    publishSev1();
    await h.herald.worker.idle();
    const discordAttempts = auditOf('delivery.attempt').filter((e) => e.data.target === 'discord-main');
    expect(discordAttempts[0]!.data).toMatchObject({ ok: false, code: 'rate_limited', retryInMs: 30 });
    expect(delivery('discord-main')!.status).toBe('sent');
    expect(delivery('x')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery('x')!.lastError).toBe('rate limited; asked to wait 3600000 ms; X asked herald to wait 60 min, longer than the 2 s bound');
  });

  it('gives up after the configured number of attempts, saying so', async () => {
    h = testHerald();
    h.pubs.discord.script('discord-main', ...Array.from({ length: 5 }, () => ({ error: retryable() })));
    publishSev1();
    await h.herald.worker.idle();
    expect(delivery('discord-main')).toMatchObject({ status: 'failed', attempts: 5, lastError: 'Discord answered 500 Internal Server Error; gave up after 5 attempts' });
  });

  it('a platform that never answers is cut off by the request timeout and retried', async () => {
    const config = testConfig();
    config.delivery.request_timeout_ms = 50;
    h = testHerald(config);
    h.pubs.telegram.script('telegram-main', 'hang');
    publishSev1();
    await h.herald.worker.idle();
    const attempts = auditOf('delivery.attempt').filter((e) => e.data.target === 'telegram-main');
    expect(attempts[0]!.data).toMatchObject({ ok: false, code: 'network', reason: 'Telegram did not answer the send within 50 ms' });
    expect(delivery('telegram-main')!.status).toBe('sent');
  });

  it("tells each platform which deliveries' first posts are coming before it sends any, once, and not again for a retry", async () => {
    h = testHerald();
    h.pubs.discord.script('discord-main', { error: retryable() });
    publishSev1();
    await h.herald.worker.idle();
    for (const [platform, target] of [['discord', 'discord-main'], ['telegram', 'telegram-main'], ['x', 'x']] as const) {
      expect(h.pubs[platform].announced).toEqual([{ ids: [delivery(target)!.id], sentBefore: 0 }]);
    }
    expect(delivery('discord-main')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it("starts X's first post first, unless a platform's rate limits will make its part take longer", async () => {
    h = testHerald();
    publishSev1();
    await h.herald.worker.idle();
    const first = () => h.pubs.x.sends.filter((s) => s.endsWith(' 0')).map((s) => s.split(' ')[0]);
    expect(first()[0]).toBe('x');

    h.pubs.x.sends.length = 0;
    // 25 Discord channels' posts, crossposts and pins take a second at 50 requests a second; an X thread of three about 0.75 s.
    h.pubs.discord.leastMs = (deliveries) => (deliveries > 0 ? 5_000 : 0);
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    h.chat.say('bob', '/approve #2');
    h.chat.say('carol', '/approve #2');
    await h.herald.worker.idle();
    expect(first()[0]).toBe('discord');
    expect(first()).toContain('x');
  });

  it('posts an X thread part by part, each a reply to the previous, with every id saved', async () => {
    h = testHerald();
    publishSev1();
    await h.herald.worker.idle();
    const posts = h.pubs.x.postsTo('x');
    expect(posts.length).toBeGreaterThan(1);
    expect(posts.map((p) => p.index)).toEqual(posts.map((_, i) => i));
    for (let i = 1; i < posts.length; i++) expect(posts[i]!.replyTo).toBe(posts[i - 1]!.messageId);
    const parts = partsOf(h.db, delivery('x')!.id);
    expect(parts.map((p) => p.messageId)).toEqual(posts.map((p) => p.messageId));
    expect(parts.every((p) => p.status === 'sent')).toBe(true);
  });
});

describe('X duplicates across statements', () => {
  it('a thread that would repeat a post herald made on X in the last day is stamped with the time, so X never refuses it', async () => {
    h = testHerald();
    publishSev1();
    await h.herald.worker.idle();
    const first = h.pubs.x.postsTo('x').map((p) => p.text);
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    h.chat.say('bob', '/approve #2');
    h.chat.say('carol', '/approve #2');
    await h.herald.worker.idle();
    const second = h.pubs.x.postsTo('x').slice(first.length).map((p) => p.text);
    expect(second.length).toBeGreaterThanOrEqual(first.length);
    expect(second.filter((t) => first.includes(t))).toEqual([]);
    second.forEach((t, i) => expect(t).toMatch(new RegExp(`\\n\\d\\d:\\d\\d UTC ${i + 1}/${second.length}$`)));
    // Discord and Telegram are untouched by it.
    expect(h.pubs.discord.postsTo('discord-main')[1]!.text).toBe(h.pubs.discord.postsTo('discord-main')[0]!.text);
  });
});

describe('corrections and retractions', () => {
  it('a correction edits Discord and Telegram in place and answers the first X post; a retraction deletes everything', async () => {
    h = testHerald();
    publishSev1();
    await h.herald.worker.idle();
    const xPosts = h.pubs.x.postsTo('x');
    const proposed = h.chat.say('alice', '/correct #1 affected="the USDT lending pool on Ethereum"');
    expect(proposed.text).toContain('correction');
    expect(proposed.text).toContain('Approvals: 0 of 2');
    h.chat.say('bob', '/approve #1');
    expect(h.chat.say('carol', '/approve #1').outcome.broadcastId).toBe(2);
    await h.herald.worker.idle();
    expect(h.pubs.discord.edited).toHaveLength(1);
    expect(h.pubs.discord.edited[0]!.text).toContain('USDT lending pool');
    expect(h.pubs.discord.edited[0]!.text).toContain('Corrected');
    expect(h.pubs.telegram.edited[0]!.text).toMatch(/Corrected \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    expect(h.pubs.discord.edited[0]!.messageId).toBe(h.pubs.discord.postsTo('discord-main')[0]!.messageId);
    expect(h.pubs.telegram.edited).toHaveLength(1);
    const xCorrection = h.pubs.x.postsTo('x').slice(xPosts.length);
    expect(xCorrection[0]!.replyTo).toBe(xPosts[0]!.messageId);
    expect(xCorrection.map((p) => p.text).join(' ')).toContain('USDT lending pool');

    h.chat.say('alice', '/retract #1 the incident was a false alarm');
    h.chat.say('bob', '/approve #1');
    h.chat.say('carol', '/approve #1');
    await h.herald.worker.idle();
    expect(h.pubs.discord.removed).toHaveLength(1);
    expect(h.pubs.telegram.removed).toHaveLength(1);
    // Every X post of the statement is deleted; the only one left is the retraction notice that followed (sev1 posts one).
    const notice = h.pubs.x.sent.at(-1)!;
    expect(notice.text).toContain('we have removed');
    expect(h.pubs.x.removed.map((r) => r.messageId).sort()).toEqual(h.pubs.x.sent.slice(0, -1).map((s) => s.messageId).sort());
    expect(h.db.select().from(drafts).get()).toMatchObject({ status: 'retracted', closedReason: 'the incident was a false alarm' });
    expect(h.chat.say('bob', '/show #1').text).toContain('retracted (the incident was a false alarm)');
  });
});

describe('one meaning for each sign', () => {
  it('a retrying delivery reads ⏳ with the reason and when, the draft "publishing (n of m sent)" until every delivery settles; ❌ only once herald gives up', async () => {
    h = testHerald();
    const held = gate();
    h.pubs.x.script('x', { gate: held.promise });
    h.pubs.discord.script('discord-main', { error: retryable() });
    publishSev1();
    const total = h.db.select().from(deliveries).all().length;
    await until(() => delivery('telegram-main')?.status === 'sent' && delivery('discord-main')?.status === 'sent', { what: 'Telegram and Discord to be sent' });
    const status = h.chat.say('bob', '/status #1').text;
    expect(status).toContain(`publishing (${total - 1} of ${total} sent)`);
    expect(status).not.toMatch(/· published/);
    expect(status).toMatch(/⏳ x \(X\) — pending/);

    held.open();
    await h.herald.worker.idle();
    expect(h.chat.say('bob', '/status #1').text).toMatch(/· published\n/);
  });

  it('while it waits out a retry the line is ⏳, and /status counts each sign', async () => {
    h = testHerald(testConfig({}));
    h.pubs.telegram.script('telegram-main', { error: retryable('Telegram answered 502 Bad Gateway') }, { error: permanent() });
    const seen: string[] = [];
    h.herald.core.events.on('deliveryAttempted', (a) => {
      if (a.targetId === 'telegram-main') seen.push(h.chat.say('bob', '/status #1').text.split('\n').find((l) => /^\S+ telegram-main \(/u.test(l))!);
    });
    publishSev1();
    await h.herald.worker.idle();
    expect(seen[0]).toMatch(/^⏳ telegram-main \(Telegram\) — Telegram answered 502 Bad Gateway; retrying at \d\d:\d\d:\d\d UTC$/);
    expect(seen[1]).toMatch(/^❌ telegram-main \(Telegram\) — Telegram answered 403: .*; not retried; fix the cause, then \/retry #1$/);
    expect(h.chat.say('bob', '/status').text).toMatch(/— ✅ \d+ sent, ⏳ 0 pending, ❌ 1 failed/);
  });
});
