import { afterEach, describe, expect, it } from 'vitest';
import { promises } from '../../../src/store/schema';
import { audited } from '../../support/audit';
import { until } from '../../support/until';
import { CHANNEL_ID, COMMS_ID, containing, startWorld, type World } from './world';

// A promise as the team meets it on Telegram: published as an absolute time in the channel,
// then held to in the comms group by herald's reminders, through the real adapter.

let w: World;
afterEach(async () => w?.close());

const at = (hhmm: string) => Date.parse(`2026-06-01T${hhmm}:00.000Z`);
/**
 * herald paces its messages into the comms group (one a second, on the real clock) and drops a
 * message whose slot is further off than delivery.max_wait_ms; so each step waits for the
 * previous messages to be shown before the next one is asked for.
 */
const settled = () => w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'Telegram, as posted:')[0]);

describe('promise reminders on Telegram', () => {
  it('publishes "in 30 minutes" as 14:30 UTC and reminds the comms group 15 and 5 minutes before, when it is due and 10 minutes overdue', async () => {
    w = await startWorld();
    w.say('alice', '/draft sev2/degraded-service affected="our web app" impact="Pages load slowly." funds_status="Your funds are not affected." next_update="in 30 minutes"');
    await w.emu.waitFor(() => w.header(1)?.reply_markup);
    await settled();
    expect(containing(w.shown(COMMS_ID), 'Next update: 14:30 UTC')).not.toHaveLength(0);
    w.press('bob', 'approve', 1);
    await until(() => w.delivery('telegram-main')?.status === 'sent', { what: 'the statement to reach the Telegram channel' });
    await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'bob approved #1')[0]);
    const [post] = w.shown(CHANNEL_ID);
    expect(post!.text).toContain('Next update: 14:30 UTC');
    expect(post!.text).not.toContain('in 30 minutes');

    w.herald.reminders.start();
    await w.herald.reminders.idle();
    w.clock.set(at('14:15'));
    await w.herald.reminders.idle();
    const reminder = containing(w.shown(COMMS_ID), '⏰ Incident 1');
    expect(reminder.map((m) => m.text)).toEqual([expect.stringContaining('the next update promised for 14:30 UTC (in #1) is due in 15 min.')]);
    expect(reminder[0]!.text).toContain('/hold 1 next_update="in 30 minutes"');

    for (const t of ['14:25', '14:30', '14:40']) {
      w.clock.set(at(t));
      await w.herald.reminders.idle();
    }
    expect(containing(w.shown(COMMS_ID), '⏰ Incident 1').map((m) => m.text.split('\n')[0])).toEqual([
      '⏰ Incident 1 (Degraded service): the next update promised for 14:30 UTC (in #1) is due in 15 min.',
      '⏰ Incident 1 (Degraded service): the next update promised for 14:30 UTC (in #1) is due in 5 min.',
      '⏰ Incident 1 (Degraded service): the next update promised for 14:30 UTC (in #1) is due now.',
      '⏰ Incident 1 (Degraded service): the next update promised for 14:30 UTC (in #1) is overdue by 10 min.',
    ]);
  });

  it('keeps a reminder due while Telegram is down, tries again with a growing wait, and sends it once Telegram is back', async () => {
    w = await startWorld();
    w.say('alice', '/draft sev2/degraded-service affected="our web app" impact="Pages load slowly." funds_status="Your funds are not affected." next_update="in 30 minutes"');
    await w.emu.waitFor(() => w.header(1)?.reply_markup);
    await settled();
    w.press('bob', 'approve', 1);
    await until(() => w.delivery('telegram-main')?.status === 'sent', { what: 'the statement to reach the Telegram channel' });
    await w.emu.waitFor(() => containing(w.shown(COMMS_ID), 'bob approved #1')[0]);
    w.herald.reminders.start();
    await w.herald.reminders.idle();
    const reminders = () => containing(w.shown(COMMS_ID), '⏰ Incident 1').map((m) => m.text.split('\n')[0]);
    const row = () => w.herald.core.db.select().from(promises).get()!;

    w.emu.setDown(true);
    w.clock.set(at('14:15'));
    await w.herald.reminders.idle();
    // Nobody took it: the slot is not marked sent, and herald tries again in 30 s, then 1 min.
    expect(row().lastReminderAt).toBeNull();
    expect(audited(w.herald.core.db, 'promise.reminded')).toHaveLength(0);
    expect(w.clock.nextTimerAt()).toBe(at('14:15') + 30_000);
    w.clock.set(at('14:15') + 30_000);
    await w.herald.reminders.idle();
    expect(row().lastReminderAt).toBeNull();
    expect(w.clock.nextTimerAt()).toBe(at('14:15') + 90_000);
    expect(w.logs.some((l) => l.includes('no comms channel took the reminder for #1; trying again in 60 s'))).toBe(true);

    w.emu.setDown(false);
    w.clock.set(at('14:15') + 90_000);
    await w.herald.reminders.idle();
    expect(reminders()).toEqual(['⏰ Incident 1 (Degraded service): the next update promised for 14:30 UTC (in #1) is due in 14 min.']);
    expect(row().lastReminderAt).toBe(new Date(at('14:15')).toISOString());
    // Back on the schedule: the next slot is the 5-minute one, sent once.
    expect(w.clock.nextTimerAt()).toBe(at('14:25'));
    w.clock.set(at('14:25'));
    await w.herald.reminders.idle();
    expect(reminders().at(-1)).toContain('is due in 5 min.');
    expect(audited(w.herald.core.db, 'promise.reminded').map((e) => (e.data as { offsetMinutes: number }).offsetMinutes)).toEqual([-15, -5]);
  });
});
