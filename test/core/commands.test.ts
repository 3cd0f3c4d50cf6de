import { afterEach, describe, expect, it } from 'vitest';
import { approvals, deliveries, drafts } from '../../src/store/schema';
import { testHerald } from '../support/herald';
import { DEGRADED_VARS, EXPLOIT_VARS } from '../support/vars';
import { audited, expectAudit } from '../support/audit';
import { CAST, ROLE } from '../support/cast';

let h: ReturnType<typeof testHerald>;
afterEach(async () => h?.close());

const lastRefusal = () => audited(h.db, 'command.refused').at(-1)!.data as { reason: string; code: string };

describe('drafting through the command layer', () => {
  it('answers /draft with a preview for each platform: text, length against the limit and the X thread', () => {
    h = testHerald();
    const said = h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    expect(said.replies[0]?.type).toBe('preview');
    const view = said.replies[0]!.type === 'preview' ? said.replies[0]!.view : null;
    expect(view!.draftId).toBe(1);
    expect(said.text).toMatch(/^#1 · sev1\/exploit-investigating/);
    expect(said.text).toContain('Approvals: 0 of 2');
    expect(said.text).toContain('Next update: 15:00 UTC');
    expect(said.text).toMatch(/Discord — 1 message: [\d,]+ of 2,000 characters/);
    expect(said.text).toMatch(/Telegram — 1 message: [\d,]+ of 4,096 characters/);
    expect(said.text).toMatch(/X — thread of \d posts: [\d,]+( \+ [\d,]+)+ of 280 weighted characters/);
    expect(view!.rendered.discord[0]).toContain('the USDC lending pool on Ethereum');
    expect(view!.rendered.x.length).toBeGreaterThan(1);
    expect(view!.rendered.x[0]).toMatch(/1\/\d/);
    expect(h.chat.outbox.at(-1)?.kind).toBe('preview');
  });

  it('accepts #12 and 12 as draft ids and refuses ids that do not exist', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    expect(h.chat.say('bob', '/show #1').replies[0]?.type).toBe('preview');
    expect(h.chat.say('bob', '/show 1').replies[0]?.type).toBe('preview');
    expect(h.chat.say('bob', '/show #42').text).toBe('There is no draft #42; /status lists open drafts and recent broadcasts.');
    expect(h.chat.say('bob', '/show twelve').text).toMatch(/^`twelve` is not a draft id; draft ids look like #12/);
  });

  it('refuses bad input with one sentence and creates nothing', () => {
    h = testHerald();
    const cases: Array<[string, RegExp]> = [
      ['/draft', /^\/draft needs a template, like sev1\/exploit-investigating: \/draft <template> \[name=value \.\.\.\]\.$/],
      ['/draft sev1/no-such-thing affected=x', /^There is no template `sev1\/no-such-thing`; \/templates lists them/],
      ['/draft sev1/exploit-investigating affected="the pool"', /^sev1\/exploit-investigating needs next_update; add it as name=value, e\.g\. next_update="within 60 minutes \(by 15:00 UTC\)"$/],
      ['/draft sev1/exploit-investigating affected', /^`affected` is not a name=value pair/],
      ['/draft sev1/exploit-investigating affected="the pool', /^A quote \(\"\) is never closed/],
      ['/draft sev1/exploit-investigating colour=red affected=x next_update=y', /^`colour` is not a variable of sev1\/exploit-investigating; it takes affected, next_update/],
      ['/draft sev1/exploit-investigating affected="pool \u202Eevil" next_update=soon', /^The value of `affected` contains an invisible or direction-changing character \(U\+202E/],
      [`/draft sev1/exploit-investigating affected="see https://evil.example/claim" next_update="in 2 hours"`, /^The statement links to https:\/\/evil\.example\/claim, which is not on an official domain \(acme\.finance\); use an official link instead\.$/],
    ];
    for (const [text, expected] of cases) expect(h.chat.say('alice', text).text, text).toMatch(expected);
    expect(h.db.select().from(drafts).all()).toHaveLength(0);
    expectAudit(h.db, 'command.refused').toHaveLength(cases.length);
  });

  it('a value is text: markup, mentions and masked links inside it reach no platform as markup', () => {
    h = testHerald();
    const said = h.chat.say('alice', '/draft sev1/exploit-investigating affected="**pool** @everyone <@&123> _x_" next_update="in 2 hours"');
    const view = said.replies[0]!.type === 'preview' ? said.replies[0]!.view : null;
    const discord = view!.rendered.discord[0]!;
    expect(discord).not.toContain('**pool**');
    expect(discord).toContain('\\*\\*pool\\*\\*');
    expect(discord).not.toMatch(/(?<!\u200b)@everyone/);
    const tg = view!.rendered.telegram[0]!;
    const start = tg.text.indexOf('**pool**');
    expect(start).toBeGreaterThan(-1);
    // The value keeps only the styling the template gave the sentence it sits in: no entity starts inside it.
    expect(tg.entities.filter((e) => e.offset > start && e.offset < start + 30)).toEqual([]);
  });
});

describe('approvals and policies', () => {
  it('sev1 broadcasts only after two distinct approvers; the author and a repeat approval do not count', () => {
    h = testHerald();
    h.chat.say('erin', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    expect(h.chat.say('erin', '/approve #1').text).toBe('You wrote #1, so your approval does not count; another approver has to approve it.');
    expect(h.chat.say('bob', '/approve #1').text).toBe('bob approved #1 (1 of 2); it needs 1 more.');
    expect(h.telegram.say('bob', '/approve #1').text).toBe('You already approved revision 1 of #1; it needs 1 more approval from other approvers.');
    expect(h.db.select().from(deliveries).all()).toHaveLength(0);
    const final = h.chat.say('carol', '/approve #1');
    expect(final.text).toBe('carol approved #1 (2 of 2). Broadcasting now.');
    expect(final.outcome.broadcastId).toBe(1);
    expect(h.db.select().from(deliveries).all().map((d) => d.targetId).sort()).toEqual(['discord-main', 'telegram-main', 'x']);
  });

  it('a person linked across Discord and Telegram counts once', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    h.chat.say('bob', '/approve #1');
    expect(h.telegram.say('bob', '/approve #1').text).toMatch(/^You already approved/);
    expect(h.db.select().from(approvals).all()).toHaveLength(1);
  });

  it('an approver role can come from a Discord role id', () => {
    h = testHerald();
    h.chat.say('alice', '/draft sev3/incident-minor ' + sev3Vars);
    // Admitted by a role, not named in the configuration: shown by platform and id, never by the nickname they chose.
    expect(h.chat.say('mallory', '/approve #1', { roleIds: [ROLE.approvers] }).text).toBe(`Discord user ${CAST.mallory.discord} approved #1 (1 of 1). Broadcasting now.`);
  });

  it('an edit makes a new revision and voids earlier approvals; a stale button is refused', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    h.chat.press('bob', 'approve', 1, 1);
    const edited = h.chat.say('alice', '/edit #1 next_update="by 16:00 UTC"');
    expect(edited.text).toContain('Revision 2 of #1; earlier approvals no longer count.');
    expect(edited.text).toContain('Approvals: 0 of 2');
    expect(edited.text).toContain('Next update: 16:00 UTC');
    // The stale press approves nothing; the presser is told why and shown the newest preview.
    const stale = h.chat.press('carol', 'approve', 1, 1);
    expect(stale.replies[0]).toEqual({ type: 'text', private: true, text: 'Draft #1 changed after that preview: it is now revision 2. Review the new preview with /show #1 and approve that one.' });
    expect(stale.replies[1]).toMatchObject({ type: 'preview', view: { draftId: 1, revision: { number: 2 }, approvals: { names: [] } } });
    expect(h.chat.press('bob', 'approve', 1, 2).text).toBe('bob approved #1 (1 of 2); it needs 1 more.');
    expect(h.chat.press('carol', 'approve', 1, 2).outcome.broadcastId).toBeDefined();
  });

  it('refuses actions the draft state does not allow, saying why', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev2/degraded-service ${DEGRADED_VARS}`);
    h.chat.say('bob', '/reject #1 wrong severity, use sev1');
    expect(h.chat.say('carol', '/approve #1').text).toBe('Draft #1 is rejected (wrong severity, use sev1), so there is nothing to approve.');
    const edit = h.chat.say('alice', '/edit #1 next_update="in 3 hours"').text;
    expect(edit).toMatch(/^Draft #1 is rejected \(wrong severity, use sev1\), so there is nothing to edit\. To start again with the same values, send: \/draft sev2\/degraded-service .*next_update="in 3 hours"/);
    // The line it names starts a new draft with those values.
    const again = h.chat.say('alice', edit.slice(edit.indexOf('/draft ')));
    expect(again.text).toMatch(/^#2 · sev2\/degraded-service — [^\n]*\n[^\n]* · awaiting approval\n[\s\S]*Next update: [^\n]*17:00 UTC/);
    expect(h.chat.say('alice', '/correct #1 next_update="in 3 hours"').text).toMatch(/^Draft #1 is rejected.*; only a published statement can be corrected\.$/);
    expect(h.chat.say('bob', '/reject #1').text).toBe('/reject needs why it is rejected: /reject <draft> <reason>.');
  });

  it('only the author cancels; others are told to reject instead', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev2/degraded-service ${DEGRADED_VARS}`);
    expect(h.chat.say('erin', '/cancel #1').text).toBe('Only its author can cancel draft #1; approvers can /reject #1 <reason> instead.');
    expect(h.chat.say('alice', '/cancel #1').text).toBe('#1 cancelled.');
    expect(h.db.select().from(drafts).get()!.status).toBe('cancelled');
  });
});

describe('who may do what, and where', () => {
  it('an unauthorised user, a wrong chat, an edited message, an anonymous admin and an unknown command each get a sentence and are logged', () => {
    h = testHerald();
    expect(h.chat.say('mallory', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`).text).toBe(
      '/draft needs the drafter role and you have no herald role; ask an operator to add you in herald.config.yaml.',
    );
    expect(h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`, { chatId: '777' }).text).toBe('/draft works only in the private comms channel; send it there.');
    expect(h.telegram.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`, { edited: true }).text).toBe('Edited messages do not run commands; send /draft again as a new message.');
    expect(h.telegram.say('someone', '/approve #1', { anonymous: true }).text).toMatch(/^Anonymous admins cannot use herald/);
    expect(h.chat.say('alice', '/publish now').text).toBe('`/publish` is not a herald command; /help lists the commands you may use.');
    expect(h.db.select().from(drafts).all()).toHaveLength(0);
    expectAudit(h.db, 'command.received').toHaveLength(5);
    expect(audited(h.db, 'command.refused').map((e) => e.data.code)).toEqual(['forbidden', 'forbidden', 'forbidden', 'forbidden', 'invalid_input']);
    expect(lastRefusal().reason).toContain('/publish');
  });

  it('/help lists only the commands a user may use; /whoami names the roles', () => {
    h = testHerald();
    const help = h.chat.say('dave', '/help').text;
    expect(help).toContain('/faq [topic]');
    expect(help).not.toContain('/approve');
    expect(h.chat.say('bob', '/help').text).toContain('/approve [draft] [revision]');
    expect(h.telegram.say('bob', '/whoami').text).toBe('You are bob (telegram user 202); roles: approver.');
  });

  it('the same event delivered twice has one effect', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    const first = h.chat.say('bob', '/approve #1', { eventId: 'interaction-1' });
    const again = h.chat.say('bob', '/approve #1', { eventId: 'interaction-1' });
    expect(first.text).toContain('bob approved #1');
    expect(again.outcome.replay).toBe(true);
    expect(again.replies).toEqual([]);
    const twice = h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`, { eventId: 'update-7' });
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`, { eventId: 'update-7' });
    expect(twice.replies[0]?.type).toBe('preview');
    expect(h.db.select().from(drafts).all()).toHaveLength(2);
    expect(h.db.select().from(approvals).all()).toHaveLength(1);
    expectAudit(h.db, 'command.replayed').toHaveLength(2);
  });
});

describe('FAQ', () => {
  it('a moderator answers publicly anywhere; anyone else gets a private answer', () => {
    h = testHerald();
    const mod = h.chat.say('dave', '/faq scam-warning', { chatId: 'public-1' });
    expect(mod.replies[0]).toMatchObject({ type: 'faq', private: false });
    expect(mod.text).toContain('Acme Finance');
    const member = h.chat.say('mallory', '/faq funds-safe', { chatId: 'public-1' });
    expect(member.replies[0]).toMatchObject({ type: 'faq', private: true });
    expect(h.chat.say('dave', '/faq').text).toMatch(/^FAQ topics: .*funds-safe.*\. Use \/faq <topic>\.$/);
    expect(h.chat.say('dave', '/faq lambo').text).toMatch(/^There is no FAQ topic `lambo`; the topics are /);
  });
});

const sev3Vars = 'affected="the rewards dashboard" impact="Rewards since 09:00 UTC are not displayed yet."';

describe('near matches', () => {
  it('an unknown template names the nearest one, an unknown command the nearest command', () => {
    h = testHerald();
    expect(h.chat.say('alice', '/draft sev2/degraded-servce affected=x').text).toMatch(/^There is no template `sev2\/degraded-servce`; did you mean sev2\/degraded-service\? \/templates lists them\.$/);
    expect(h.chat.say('alice', '/draft exploit-investigatng affected=x').text).toMatch(/did you mean sev1\/exploit-investigating\?/);
    expect(h.chat.say('bob', '/aprove #1').text).toBe('`/aprove` is not a herald command; did you mean /approve? /help lists the commands you may use.');
    expect(h.chat.say('bob', '/stauts').text).toMatch(/did you mean \/status\?/);
  });
});
