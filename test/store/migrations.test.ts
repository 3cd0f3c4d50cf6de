import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/store/db';
import { deliveries, deliveryParts, drillTimings } from '../../src/store/schema';
import { recordDrillTimings } from '../../src/core/broadcast/drill';
import { testHerald } from '../support/herald';
import { EXPLOIT_VARS } from '../support/vars';
import { permanent, retryable } from '../support/publisher';

let h: ReturnType<typeof testHerald>;
afterEach(async () => h?.close());

/** What herald keeps of a delivery's facts in their own columns and rows. */
function facts() {
  return {
    attempts: h.db.select({ id: deliveries.id, code: deliveries.lastAttemptCode }).from(deliveries).orderBy(asc(deliveries.id)).all(),
    parts: h.db.select({ id: deliveryParts.id, sentAt: deliveryParts.sentAt, text: deliveryParts.text }).from(deliveryParts).orderBy(asc(deliveryParts.id)).all(),
    drill: h.db.select().from(drillTimings).all().map((r) => ({ broadcast: r.broadcastId, draft: r.draftId, label: r.label, timings: JSON.parse(r.timingsJson) })),
  };
}

describe('upgrading a database from before delivery facts had columns of their own', () => {
  it('fills them from the evidence once, as herald would have written them', async () => {
    h = testHerald();
    h.pubs.discord.script('discord-main', { error: retryable() });
    h.pubs.telegram.script('telegram-main', { error: permanent() });
    h.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    h.chat.say('bob', '/approve #1');
    h.chat.say('carol', '/approve #1');
    await h.herald.worker.idle();
    h.chat.say('alice', '/correct #1 affected="the USDT lending pool on Ethereum"');
    h.chat.say('bob', '/approve #1');
    h.chat.say('carol', '/approve #1');
    await h.herald.worker.idle();
    recordDrillTimings(h.db, 1, 'DRILL');

    const written = facts();
    expect(written.attempts.map((a) => a.code)).toContain('platform_rejected');
    const sent = written.parts.filter((p) => p.sentAt);
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.every((p) => p.text)).toBe(true);
    expect(written.drill).toHaveLength(1);

    // The database as an older herald left it: the evidence, without the new columns' values.
    h.db.$client.exec('UPDATE deliveries SET last_attempt_code = NULL; UPDATE delivery_parts SET text = NULL; DELETE FROM drill_timings;');
    const backfill = readFileSync(join(MIGRATIONS_DIR, '0003_delivery_facts_backfill.sql'), 'utf8');
    for (const statement of backfill.split('--> statement-breakpoint')) h.db.$client.exec(statement);
    expect(facts()).toEqual(written);
  });
});
