import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types';
import { acquireLease } from '../../src/core/leases/acquire';
import { assertHolds } from '../../src/core/leases/fence';
import { LeaseLostError } from '../../src/core/leases/lease';
import { releaseLease } from '../../src/core/leases/release';
import { markPublished, publicationOf, wantBuild } from '../../src/core/publications/record';
import { writeTx } from '../../src/store/db';
import { deliveries } from '../../src/store/schema';
import { FakeClock } from '../support/clock';
import { startHerald, testHerald, type StartedHerald } from '../support/herald';
import { gate } from '../support/publisher';
import { deliveryTo, partsOf } from '../support/rows';
import { until } from '../support/until';
import { EXPLOIT_VARS } from '../support/vars';
import { get } from '../ops/scrape';

const TTL = 10_000;
const named = (id: string) => (c: Config) => ({ ...c, instance: { id, leaseTtlMs: TTL } });

describe('leases', () => {
  let h: ReturnType<typeof testHerald> | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('are renewed by their holder, taken by another only once expired, and each change of holder counts the epoch up', () => {
    h = testHerald();
    const { db, clock } = h;
    const a = acquireLease(db, 'reminders', 'herald-a', TTL, clock.now());
    expect(a).toMatchObject({ mine: true, lease: { holder: 'herald-a', epoch: 1 } });
    clock.advance(5_000);
    expect(acquireLease(db, 'reminders', 'herald-b', TTL, clock.now())).toMatchObject({ mine: false, lease: { holder: 'herald-a', epoch: 1 } });
    expect(acquireLease(db, 'reminders', 'herald-a', TTL, clock.now())).toMatchObject({ mine: true, lease: { epoch: 1, expiresAt: new Date(clock.now() + TTL).toISOString() } });
    clock.advance(TTL);
    const b = acquireLease(db, 'reminders', 'herald-b', TTL, clock.now());
    expect(b).toMatchObject({ mine: true, lease: { holder: 'herald-b', epoch: 2 } });
    // The old holder's release changes nothing; the new one's frees it at once.
    expect(releaseLease(db, a.lease, clock.now())).toBe(false);
    expect(releaseLease(db, b.lease, clock.now())).toBe(true);
    expect(acquireLease(db, 'reminders', 'herald-a', TTL, clock.now())).toMatchObject({ mine: true, lease: { holder: 'herald-a', epoch: 3 } });
  });

  it('refuse a fenced write by a holder whose lease was taken, and that write changes nothing', () => {
    h = testHerald();
    const { db, clock } = h;
    const old = acquireLease(db, 'site-publisher', 'herald-a', TTL, clock.now()).lease;
    writeTx(db, (tx) => wantBuild(tx, ['site-1'], new Date(clock.now()).toISOString()));
    clock.advance(TTL + 1);
    acquireLease(db, 'site-publisher', 'herald-b', TTL, clock.now());
    const before = publicationOf(db, 'site-1');
    expect(() =>
      writeTx(db, (tx) => {
        assertHolds(tx, old);
        markPublished(tx, 'site-1', 1, 'https://status.acme.test', new Date(clock.now()).toISOString());
      }),
    ).toThrow(LeaseLostError);
    expect(publicationOf(db, 'site-1')).toEqual(before);
    expect(before?.status).toBe('pending');
  });
});

describe('two herald instances on one database', () => {
  const started: StartedHerald[] = [];
  afterEach(async () => {
    for (const s of started.splice(0)) await s.close();
  });

  it('one holds each singleton; a live claim is left alone; when the holder dies the other takes every singleton and resumes its delivery from the unsent part', async () => {
    const clock = new FakeClock();
    const a = await startHerald({ clock, driveLeases: true, env: { HERALD_HTTP_PORT: '0' }, configure: named('herald-a') });
    started.push(a);
    const b = await startHerald({ clock, driveLeases: true, config: { ...a.config, instance: { id: 'herald-b', leaseTtlMs: TTL }, http: { port: 0, host: '127.0.0.1' } } });
    started.push(b);
    const readyz = async (s: StartedHerald) => JSON.parse((await get(`${s.app.ops.server!.url}/readyz`)).body);

    expect(a.app.singletons.names()).toContain('reminders');
    expect((await readyz(a)).instance).toBe('herald-a');
    expect((await readyz(b)).singletons.reminders).toMatchObject({ holder: 'herald-a', epoch: 1, mine: false });
    expect((await readyz(a)).singletons.reminders).toMatchObject({ holder: 'herald-a', epoch: 1, mine: true });

    // A's Discord send hangs: its claim is live while A renews it.
    const discord = gate();
    a.pubs.discord.script('discord-main', { gate: discord.promise });
    a.chat.say('alice', `/draft sev1/exploit-investigating ${EXPLOIT_VARS}`);
    a.chat.say('bob', '/approve #1');
    a.chat.say('carol', '/approve #1');
    await until(() => a.pubs.telegram.postsTo('telegram-main').length && a.pubs.x.postsTo('x').length && a.pubs.discord.calls.length, { what: 'herald-a sends to every target' });
    const held = deliveryTo(a.db, 'discord-main')!;
    expect(held).toMatchObject({ status: 'pending', claimedBy: 'herald-a' });
    clock.advance(TTL * 2);
    b.herald.worker.kick();
    await b.herald.worker.idle();
    expect(b.pubs.discord.sent).toEqual([]);
    expect(deliveryTo(b.db, 'discord-main')).toMatchObject({ status: 'pending', claimedBy: 'herald-a' });

    // A dies: nothing renewed, nothing released. Within TTL + TTL/3 herald-b holds everything and sends the one unsent part.
    a.app.abandon();
    clock.advance(TTL + TTL / 3);
    await b.app.singletons.settled();
    for (const name of b.app.singletons.names()) expect((await readyz(b)).singletons[name], name).toMatchObject({ holder: 'herald-b', epoch: 2, mine: true });
    await until(() => deliveryTo(b.db, 'discord-main')?.status === 'sent', { what: 'herald-b sends the delivery herald-a left' });
    const [part] = partsOf(b.db, held.id);
    expect(b.pubs.discord.postsTo('discord-main').map((p) => [p.index, p.nonce])).toEqual([[0, part!.nonce]]);
    expect(b.pubs.telegram.sent).toEqual([]);
    expect(b.pubs.x.sent).toEqual([]);

    // A's request answers late: its result is not recorded over herald-b's.
    discord.open();
    await a.herald.worker.idle();
    expect(partsOf(b.db, held.id)[0]).toMatchObject({ status: 'sent', messageId: b.pubs.discord.postsTo('discord-main')[0]!.messageId });
    expect(b.db.select().from(deliveries).where(eq(deliveries.id, held.id)).get()).toMatchObject({ status: 'sent', claimedBy: null });
  });
});
