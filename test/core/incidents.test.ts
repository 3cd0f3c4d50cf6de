import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { approvals, breakGlass, broadcasts, drafts, incidents, promises, revisions } from '../../src/store/schema';
import { incidentReport, spanText } from '../../src/core/read/incident-report';
import { headerText } from '../../src/core/previews/view';
import { testHerald } from '../support/herald';
import { audited } from '../support/audit';
import { FakeClock } from '../support/clock';
import { MemoryComms } from '../support/comms';
import { testConfig } from '../support/config';
import { INCIDENT_EXPLOIT_VARS, INCIDENT_FUNDS_VARS, INCIDENT_RESOLVED_VARS } from '../support/vars';

let h: ReturnType<typeof testHerald>;
afterEach(async () => h?.close());

const MIN = 60_000;
const at = (hhmm: string) => Date.parse(`2026-06-01T${hhmm}:00.000Z`);

const EXPLOIT = INCIDENT_EXPLOIT_VARS;
const FUNDS = INCIDENT_FUNDS_VARS;
const RESOLVED = INCIDENT_RESOLVED_VARS;

/** The preview `/status #id` shows in the comms channel, header as every platform renders it. */
function previewHeader(id: number): string {
  const reply = h.chat.say('bob', `/status #${id}`).replies[0];
  if (reply?.type !== 'preview') throw new Error(`no preview of #${id}`);
  return headerText(reply.view);
}

/** Drafts and approves a sev1 statement (two approvers), waiting for its deliveries. */
async function publish(text: string): Promise<number> {
  const said = h.chat.say('alice', text);
  const view = said.replies.find((r) => r.type === 'preview');
  if (!view || view.type !== 'preview') throw new Error(`no preview: ${said.text}`);
  const id = view.view.draftId;
  h.chat.say('bob', `/approve #${id}`);
  h.chat.say('carol', `/approve #${id}`);
  await h.herald.worker.idle();
  return id;
}

describe('an incident of three statements', () => {
  it('exploit → funds update → resolved: one incident, values carried over, promises kept or missed, closed by the resolved statement', async () => {
    h = testHerald();
    const first = await publish(`/draft sev1/exploit-investigating ${EXPLOIT}`);
    const incident = h.db.select().from(incidents).get()!;
    expect(incident).toMatchObject({ id: 1, severity: 'sev1', status: 'open', openedAt: new Date(at('14:00')).toISOString() });
    expect(h.db.select().from(drafts).where(eq(drafts.id, first)).get()!.incidentId).toBe(1);

    h.clock.set(at('14:20'));
    const second = h.chat.say('alice', `/draft sev1/funds-update ${FUNDS}`);
    expect(second.text).toContain('#2 is part of incident 1');
    h.chat.say('bob', '/approve #2');
    h.chat.say('carol', '/approve #2');
    await h.herald.worker.idle();

    h.clock.set(at('15:40'));
    const third = h.chat.say('alice', `/draft sev1/resolved ${RESOLVED}`);
    // The drafter did not retype the incident: it came from the funds update.
    expect(third.text).toContain('Carried over from it: incident');
    const view = third.replies[0]!.type === 'preview' ? third.replies[0]!.view : null;
    expect(view!.rendered.discord.join('\n')).toContain('the exploit of the USDC lending pool');
    h.chat.say('bob', '/approve #3');
    h.chat.say('carol', '/approve #3');
    await h.herald.worker.idle();

    expect(h.db.select({ incidentId: drafts.incidentId }).from(drafts).all().map((d) => d.incidentId)).toEqual([1, 1, 1]);
    expect(h.db.select().from(incidents).get()).toMatchObject({ status: 'closed', closedAt: new Date(at('15:40')).toISOString() });
    const ps = h.db.select().from(promises).all();
    expect(ps.map((p) => [p.draftId, p.dueAt, p.outcome, p.settledByDraftId])).toEqual([
      [1, new Date(at('14:30')).toISOString(), 'kept', 2],
      [2, new Date(at('15:20')).toISOString(), 'missed', 3],
    ]);
    // The resolved statement promises nothing.
    expect(ps).toHaveLength(2);

    const timeline = h.chat.say('bob', '/incident 1').text;
    expect(timeline).toMatch(/^Incident 1 · sev1 · Active exploit under investigation — closed 15:40 UTC/);
    expect(timeline).toContain('#2 sev1/funds-update drafted by alice');
    expect(timeline).toContain('Promise of #1: 14:30 UTC — kept, 10 min early (#2)');
    expect(timeline).toContain('Promise of #2: 15:20 UTC — missed by 20 min (#3)');
    expect(h.chat.say('bob', '/incident').text).toMatch(/^No incident is open/);
  });

  it('a follow-up drafter’s own values win over the incident’s', async () => {
    h = testHerald();
    await publish(`/draft sev1/exploit-investigating ${EXPLOIT}`);
    const said = h.chat.say('alice', '/draft sev1/holding affected="the USDC and DAI pools" next_update="in 1 hour"');
    const view = said.replies[0]!.type === 'preview' ? said.replies[0]!.view : null;
    expect(view!.rendered.discord.join('\n')).toContain('the USDC and DAI pools');
    expect(view!.rendered.discord.join('\n')).toContain('Do not deposit into any Acme pool.');
    expect(said.text).toContain('Carried over from it: funds_status, user_action');
  });

  it('/incident open and /incident close, with one sentence for a bad id', () => {
    h = testHerald();
    expect(h.chat.say('alice', '/incident open "Oracle price feed stale"').text).toBe('Incident 1 is open: Oracle price feed stale. The next sev1 or sev2 /draft belongs to it.');
    expect(h.chat.say('alice', '/incident').text).toContain('1 · no statement yet · Oracle price feed stale — open since 14:00 UTC');
    expect(h.chat.say('alice', '/incident close x').text).toBe('`x` is not an incident id; incident ids are numbers, like 3 (/incident close <id>).');
    expect(h.chat.say('alice', '/incident 9').text).toBe('There is no incident 9; /incident lists the open ones.');
    expect(h.chat.say('alice', '/incident close 1').text).toBe('Incident 1 is closed; its open promises no longer stand.');
    expect(h.chat.say('alice', '/incident close 1').text).toBe('Incident 1 is already closed; /incident lists the open ones.');
    expect(audited(h.db, 'incident.opened')).toHaveLength(1);
    expect(audited(h.db, 'incident.closed')).toHaveLength(1);
  });
});

describe('next_update is a time', () => {
  it('"in 30 minutes" is previewed and published as an absolute UTC time', async () => {
    h = testHerald();
    const said = h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT}`);
    expect(said.text).toContain('Next update: 14:30 UTC');
    expect(said.text).not.toContain('in 30 minutes');
    h.chat.say('bob', '/approve #1');
    h.chat.say('carol', '/approve #1');
    await h.herald.worker.idle();
    for (const platform of ['discord', 'telegram', 'x'] as const) {
      const posted = h.pubs[platform].sent.map((s) => s.text).join('\n');
      expect(posted, platform).toContain('14:30 UTC');
      expect(posted, platform).not.toContain('in 30 minutes');
    }
    expect(h.db.select({ at: revisions.nextUpdateAt }).from(revisions).get()!.at).toBe(new Date(at('14:30')).toISOString());
  });

  it('a time in the past, or one herald cannot read, is refused with a sentence and nothing is drafted', () => {
    h = testHerald();
    const past = h.chat.say('alice', '/draft sev1/exploit-investigating affected="the pool" next_update="by 13:00 UTC"').text;
    expect(past).toBe('`by 13:00 UTC` reads as 13:00 UTC today, which has passed (it is 14:00 UTC now); give a later time, e.g. next_update="in 30 minutes" or next_update="tomorrow 13:00 UTC".');
    expect(h.chat.say('alice', '/draft sev1/exploit-investigating affected="the pool" next_update=soon').text).toMatch(/^herald cannot read `soon` as a time; give one like/);
    expect(h.db.select().from(drafts).all()).toHaveLength(0);
    expect(h.db.select().from(incidents).all()).toHaveLength(0);
  });

  it('an /edit that keeps the promise keeps its time; one whose time has passed must give a new one', () => {
    h = testHerald();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT}`);
    h.clock.set(at('14:10'));
    expect(h.chat.say('alice', '/edit #1 affected="the USDC pool"').text).toContain('Next update: 14:30 UTC');
    h.clock.set(at('14:31'));
    expect(h.chat.say('alice', '/edit #1 affected="the USDC pool on Ethereum"').text).toBe(
      'The promised next update, 14:30 UTC, has passed (it is 14:31 UTC now); give a new one, like next_update="in 30 minutes".',
    );
  });
});

describe('reminders', () => {
  it('reminds the comms channel 15 and 5 minutes before, at the time and every 10 minutes overdue, and carries on after a restart', async () => {
    const config = testConfig();
    h = testHerald(config);
    const comms = MemoryComms.attach(h.herald);
    await publish(`/draft sev1/exploit-investigating ${EXPLOIT}`);
    h.herald.reminders.start();
    await h.herald.reminders.idle();
    expect(comms.posts).toHaveLength(0);
    // The runner sleeps until the first slot.
    expect(h.clock.nextTimerAt()).toBe(at('14:15'));

    h.clock.set(at('14:15'));
    await h.herald.reminders.idle();
    expect(comms.posts.at(-1)).toEqual({
      chatId: config.comms.discord,
      text: '⏰ Incident 1 (Active exploit under investigation): the next update promised for 14:30 UTC (in #1) is due in 15 min.\nalice and erin can /draft the update, or hold: /hold 1 next_update="in 30 minutes".',
    });
    h.clock.set(at('14:25'));
    await h.herald.reminders.idle();
    expect(comms.posts.at(-1)!.text).toContain('is due in 5 min');
    h.clock.set(at('14:30'));
    await h.herald.reminders.idle();
    expect(comms.posts.at(-1)!.text).toContain('is due now');
    expect(comms.posts).toHaveLength(3);
    await h.close();

    // A new herald on the same database, 10 minutes later: the overdue reminder, and none of the earlier ones again.
    const clock = new FakeClock(at('14:40'));
    h = testHerald(config, { clock });
    const again = MemoryComms.attach(h.herald);
    h.herald.reminders.start();
    await h.herald.reminders.idle();
    expect(again.texts()).toEqual([expect.stringContaining('is overdue by 10 min')]);
    expect(clock.nextTimerAt()).toBe(at('14:50'));
    clock.set(at('14:50'));
    await h.herald.reminders.idle();
    expect(again.texts().at(-1)).toContain('is overdue by 20 min');
    expect(audited(h.db, 'promise.reminded').map((e) => (e.data as { offsetMinutes: number }).offsetMinutes)).toEqual([-15, -5, 0, 10, 20]);
    expect(audited(h.db, 'message.sent').filter((e) => (e.data as { kind: string }).kind === 'notice')).toHaveLength(5);
  });

  it('a reminder no comms channel took stays due, and a restart sends it', async () => {
    const config = testConfig();
    h = testHerald(config);
    // No chat platform attached yet (both still connecting): nobody can take the reminder.
    await publish(`/draft sev1/exploit-investigating ${EXPLOIT}`);
    h.herald.reminders.start();
    await h.herald.reminders.idle();
    h.clock.set(at('14:15'));
    await h.herald.reminders.idle();
    expect(h.db.select().from(promises).get()!.lastReminderAt).toBeNull();
    expect(h.clock.nextTimerAt()).toBe(at('14:15') + 30_000);
    await h.close();

    const clock = new FakeClock(at('14:16'));
    h = testHerald(config, { clock });
    const comms = MemoryComms.attach(h.herald);
    h.herald.reminders.start();
    await h.herald.reminders.idle();
    expect(comms.texts()).toEqual([expect.stringContaining('is due in 14 min')]);
    expect(audited(h.db, 'promise.reminded').map((e) => (e.data as { offsetMinutes: number }).offsetMinutes)).toEqual([-15]);
    expect(clock.nextTimerAt()).toBe(at('14:25'));
  });

  it('/hold drafts the holding update with the incident’s values, on the holding policy’s one approval; its broadcast keeps the promise', async () => {
    h = testHerald();
    const comms = MemoryComms.attach(h.herald);
    await publish(`/draft sev1/exploit-investigating ${EXPLOIT}`);
    h.herald.reminders.start();
    await h.herald.reminders.idle();
    h.clock.set(at('14:25'));
    await h.herald.reminders.idle();
    expect(comms.texts().at(-1)).toContain('/hold 1 next_update=');

    const held = h.chat.say('alice', '/hold 1 next_update="in 30 minutes"');
    expect(held.text).toMatch(/^#2 · sev1\/holding/);
    expect(held.text).toContain('Next update: 14:55 UTC');
    expect(held.text).toContain('the USDC lending pool on Ethereum');
    expect(held.text).toContain('Approvals: 0 of 1');
    expect(h.chat.say('bob', '/approve #2').text).toBe('bob approved #2 (1 of 1). Broadcasting now.');
    await h.herald.worker.idle();
    const ps = h.db.select().from(promises).all();
    expect(ps.map((p) => [p.draftId, p.outcome])).toEqual([
      [1, 'kept'],
      [2, null],
    ]);
    expect(h.db.select().from(drafts).where(eq(drafts.id, 2)).get()!.holding).toBe(true);
    expect(h.chat.say('alice', '/hold 7 next_update="in 30 minutes"').text).toBe('There is no incident 7; /incident lists the open ones.');
  });
});

describe('break glass', () => {
  it('publishes a sev1 on one named approval, marks it, tells the comms channel and chases the ratification until a second approver gives it', async () => {
    h = testHerald();
    const comms = MemoryComms.attach(h.herald);
    h.herald.reminders.start();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT}`);
    expect(h.chat.say('carol', '/approve #1 break-glass "pool draining"').text).toBe('Only bob may break glass on sev1; approve with /approve #1 and wait for the others.');
    expect(h.chat.say('bob', '/approve #1 break-glass').text).toBe('Say why you break glass: /approve #1 break-glass "<reason>".');
    expect(h.db.select().from(approvals).all()).toHaveLength(0);

    const said = h.chat.say('bob', '/approve #1 break-glass "the pool is being drained and carol is unreachable"');
    expect(said.text).toBe('bob broke glass on #1 (1 of 2 approvals). Broadcasting now; a second approver must ratify it with /approve #1 by 14:15 UTC.');
    await h.herald.worker.idle();
    expect(h.db.select().from(broadcasts).all()).toHaveLength(1);
    expect(h.pubs.discord.sent.length).toBeGreaterThan(0);
    expect(audited(h.db, 'draft.approved')[0]!.data).toMatchObject({ breakGlass: true, approvals: 1, needed: 2 });
    expect(audited(h.db, 'break_glass.used')[0]!.data).toMatchObject({ reason: 'the pool is being drained and carol is unreachable' });
    const unratified = '🔓 Break glass: published on bob\'s approval alone ("the pool is being drained and carol is unreachable"); a second approver must ratify it with /approve #1 by 14:15 UTC.';
    expect(previewHeader(1).split('\n')).toContain(unratified);
    expect(h.chat.say('bob', '/status').text).toMatch(/^#1 sev1\/exploit-investigating \(publish\) .* · 🔓 break glass by bob, not ratified \(due 14:15 UTC\)$/m);

    await h.herald.reminders.idle();
    expect(comms.texts()).toEqual([
      '🔓 Break glass: bob published #1 (sev1/exploit-investigating) on one approval: "the pool is being drained and carol is unreachable".\nA second approver (carol and erin) must ratify it by 14:15 UTC: /approve #1.',
    ]);
    h.clock.set(at('14:15'));
    await h.herald.reminders.idle();
    h.clock.set(at('14:20'));
    await h.herald.reminders.idle();
    expect(comms.texts().slice(1).filter((t) => t.startsWith('🔓 #1 went out by break glass')), comms.texts().join('\n')).toHaveLength(2);
    expect(comms.texts().at(-1)).toBe('🔓 #1 went out by break glass 20 min ago and is not ratified (5 min past 14:15 UTC): a second approver (carol and erin) must /approve #1.');

    expect(h.chat.say('bob', '/approve #1').text).toBe('You broke glass on #1, so you cannot ratify it; a second approver has to /approve #1.');
    expect(h.chat.say('carol', '/approve #1').text).toBe('carol ratified #1, published by break glass.');
    expect(h.db.select().from(breakGlass).get()).toMatchObject({ ratifiedBy: 'carol', ratifiedAt: new Date(at('14:20')).toISOString() });
    const header = previewHeader(1).split('\n');
    expect(header).toContain('🔓 Break glass: published on bob\'s approval alone ("the pool is being drained and carol is unreachable"); ratified by carol at 14:20 UTC.');
    expect(header).not.toContain(unratified);
    expect(h.chat.say('bob', '/status').text).toMatch(/^#1 sev1\/exploit-investigating \(publish\) .* · 🔓 break glass by bob, ratified by carol$/m);
    const before = comms.posts.length;
    h.clock.set(at('14:45'));
    await h.herald.reminders.idle();
    // Promise reminders go on (14:15, 14:25, 14:30 slots were sent or passed); break-glass chases stop.
    expect(comms.texts().slice(before).some((t) => t.startsWith('🔓'))).toBe(false);
    expect(incidentReport(h.db, 1)).toContain('BREAK GLASS');
  });
});

describe('the review', () => {
  it('herald incident report: time to first communication per target, approvers, delivery times and promises, as the rows say', async () => {
    // A clock that starts now, so the incident's start and the deliveries' times are on one clock.
    const clock = new FakeClock(Date.now());
    h = testHerald(testConfig(), { clock });
    await publish(`/draft sev1/exploit-investigating ${EXPLOIT.replace('in 30 minutes', 'in 2 hours')}`);
    clock.advance(30 * MIN);
    await publish(`/draft sev1/funds-update ${FUNDS}`);
    h.chat.say('alice', '/retract #2 the figure was not verified');
    h.chat.say('bob', '/approve #2');
    h.chat.say('carol', '/approve #2');
    await h.herald.worker.idle();

    const report = incidentReport(h.db, 1);
    const incident = h.db.select().from(incidents).get()!;
    const parts = h.db.$client
      .prepare(`SELECT d.target_id AS target, min(p.sent_at) AS first FROM deliveries d JOIN delivery_parts p ON p.delivery_id = d.id JOIN broadcasts b ON b.id = d.broadcast_id WHERE b.kind = 'publish' GROUP BY d.target_id`)
      .all() as Array<{ target: string; first: string }>;
    expect(parts.map((p) => p.target).sort()).toEqual(['discord-main', 'telegram-main', 'x']);
    for (const p of parts) {
      const after = Date.parse(p.first) - Date.parse(incident.openedAt);
      expect(report).toContain(`| ${p.target} | ${p.target === 'x' ? 'x' : p.target.split('-')[0]} | ${p.first.slice(0, 19).replace('T', ' ')} UTC | ${spanText(after)} |`);
    }
    expect(report).toContain('approved by bob (');
    expect(report).toContain(', carol (');
    const [kept] = h.db.select().from(promises).all();
    expect(kept!.outcome).toBe('kept');
    const early = Date.parse(kept!.dueAt) - Date.parse(kept!.settledAt!);
    expect(early).toBeGreaterThanOrEqual(90 * MIN);
    expect(report).toContain(`| #1 | ${kept!.dueAt.slice(0, 19).replace('T', ' ')} UTC |`);
    expect(report).toContain(`kept, ${spanText(early)} early |`);
    expect(report).toContain('#2 retracted at');
    expect(report).toContain(': the figure was not verified');
  });
});

describe('the audit export', () => {
  it('marks a break-glass publication and says why', async () => {
    const { readAudit, toMarkdown } = await import('../../src/audit/export');
    h = testHerald();
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT}`);
    h.chat.say('bob', '/approve #1 break-glass "the pool is being drained"');
    await h.herald.worker.idle();
    const md = toMarkdown(h.db, readAudit(h.db, {}), {});
    expect(md).toContain('approved revision 1 (1 of 2) — BREAK GLASS');
    expect(md).toContain('BROKE GLASS on revision 1: published on one approval because “the pool is being drained”');
  });
});
