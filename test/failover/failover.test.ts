import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percentile } from '../../bench/stats';
import { failoverTrial, Instances, TAKEOVER_BOUND_MS, type FailoverTrial } from '../e2e/support/failover';
import { auditVerify } from '../e2e/support/herald-process';
import { POSTS_PER_BROADCAST } from '../e2e/support/kill';
import { expectPostedOnce } from '../e2e/support/posted-once';
import { SANDBOX_IDS, Stage } from '../e2e/support/stage';
import { freshPostgresUrl } from '../support/postgres';
import { seededRandom, seedFromEnv } from '../support/random';

/**
 * Two `herald start` instances on one PostgreSQL database against one world of emulators. In each
 * trial the instance holding the singletons is SIGKILLed at a moment of a broadcast the seed picks
 * (once it took the approval, or as the k-th post reaches its platform); the other must take
 * over and finish the broadcast, and nothing may be posted twice. A short lease TTL keeps the
 * trials quick; the bound asserted is the product's, 15 s, measured from the timestamps the
 * database (lease acquisition) and the emulators (requests' arrival) record.
 */
const TRIALS = Number(process.env.HERALD_FAILOVER_TRIALS ?? 20);
const SEED = seedFromEnv();
const LEASE_TTL_MS = 2_000;

let s: Stage;
let inst: Instances;
beforeAll(async () => {
  s = await Stage.open({
    databaseUrl: freshPostgresUrl(),
    latencyMs: { discord: 80, telegram: 120, x: 250 },
    delivery: { base_delay_ms: 100, max_delay_ms: 500, request_timeout_ms: 5_000 },
  });
  inst = new Instances(s, LEASE_TTL_MS);
  await inst.startBoth();
}, 90_000);
afterAll(async () => {
  inst?.close();
  await s?.close();
}, 30_000);

/** herald's answers in the Telegram comms group to one message there. */
const repliesTo = (messageId: number) => s.world.telegram.messages(SANDBOX_IDS.telegramComms).filter((m) => m.sender === 'bot' && m.reply_to_message_id === messageId);

describe('two herald instances on one PostgreSQL database, the singletons’ holder killed mid-broadcast', () => {
  it(`the survivor takes over within 15 s and finishes the broadcast: Discord and X exactly once, Telegram at most one copy more where a send was cut off, each command answered once, the audit chain verifies (${TRIALS} trials)`, async () => {
    console.log(`failover trials: seed ${SEED} (HERALD_E2E_SEED=${SEED} npx vitest run --project postgres test/failover replays this run)`);
    const random = seededRandom(SEED);
    const trials: FailoverTrial[] = [];
    const verifications: Array<Promise<{ n: number; code: number | null; stdout: string }>> = [];
    let previousX: string | undefined;
    let telegramCopies = 0;

    for (let n = 1; n <= TRIALS; n++) {
      const killAtPost = Math.floor(random() * (POSTS_PER_BROADCAST + 1));
      const answeredBefore = s.interactions.length;
      const t = await failoverTrial(s, inst, n, killAtPost);
      const label = `trial ${n} (seed ${SEED}, ${t.killed} killed at post ${killAtPost})`;
      trials.push(t);

      const posted = await expectPostedOnce(s, n, t.draftId, { cut: t.cut, goneAt: t.goneAt, previousX });
      previousX = posted.lastX;
      if (posted.telegramCopy) telegramCopies++;

      // The survivor took over within the bound: every singleton, and the first post of what the dead one left.
      expect(t.takeoverMs, `${label}: kill → ${t.survivor} holding every singleton`).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
      if (t.left.length) expect(t.resumedMs, `${label}: kill → ${t.survivor} resuming ${t.left.join(', ')}`).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
      if (t.claimed.length) expect(t.afterClaimMs, `${label}: kill → ${t.survivor} resuming ${t.claimed.join(', ')} once the claims expired`).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
      const ready = await inst.readyz(t.survivor);
      expect(ready.instance).toBe(t.survivor);
      expect(Object.entries(ready.singletons ?? {}).map(([name, v]) => [name, v.holder, v.mine])).toEqual(inst.names.map((name) => [name, t.survivor, true]));

      // Each command answered once: alice's /draft by one interaction response, bob's /approve by one reply, whichever instance took it.
      for (const id of s.interactions.slice(answeredBefore)) expect(s.world.discord.interactionResponses(id).filter((r) => r.kind === 'callback'), `${label}: /draft`).toHaveLength(1);
      await s.until(() => repliesTo(t.approveMessageId).length > 0, `herald's answer to the /approve of trial ${n}`);

      verifications.push(auditVerify(s.dbPath).then((r) => ({ n, ...r })));
      // Two at a time at most, so the checks do not starve the instances on a two-core machine.
      if (verifications.length >= 2) await verifications[verifications.length - 2];
    }

    await inst.bothUp();
    for (const v of await Promise.all(verifications)) {
      expect(v.code, `herald audit verify after trial ${v.n}: ${v.stdout}`).toBe(0);
      expect(v.stdout).toMatch(/^audit log OK: \d+ rows, chain intact/);
    }
    // Late answers count too: by now a replayed /approve would have been answered twice.
    for (const t of trials) expect(repliesTo(t.approveMessageId), `trial ${t.n}: answers to /approve`).toHaveLength(1);

    const failover = trials.map((t) => t.failoverMs);
    const resumed = trials.filter((t) => t.resumedMs !== undefined).length;
    // Where the dead instance had claimed what it left, the survivor waited for the claim to expire.
    const afterClaims = trials.flatMap((t) => (t.afterClaimMs === undefined ? [] : [t.afterClaimMs]));
    console.log(
      `failover trials: ${TRIALS} kills of the singletons' holder (seed ${SEED}, lease TTL ${LEASE_TTL_MS} ms); ${resumed} left a delivery for the survivor; ` +
        `failover (kill → survivor's first post, or its lease when nothing was left) p50 ${percentile(failover, 50)} ms, p95 ${percentile(failover, 95)} ms, max ${Math.max(...failover)} ms; ` +
        `of deliveries the dead one had claimed, once the claims expired (${afterClaims.length} trials) p50 ${percentile(afterClaims, 50)} ms, p95 ${percentile(afterClaims, 95)} ms; ` +
        `takeover of every singleton p50 ${percentile(trials.map((t) => t.takeoverMs), 50)} ms; Telegram second copies: ${telegramCopies}; ` +
        `per trial: ${trials.map((t) => `${t.n}:${t.killed}@${t.killAtPost}=${t.failoverMs}`).join(' ')}`,
    );
    // The kills did land mid-broadcast: in some trials the survivor finished deliveries the dead one had claimed.
    expect(afterClaims.length).toBeGreaterThan(0);
  }, 420_000);
});
