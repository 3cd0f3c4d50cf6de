import { seededRandom } from '../test/support/random';
import { failoverTrial, Instances } from '../test/e2e/support/failover';
import { POSTS_PER_BROADCAST } from '../test/e2e/support/kill';
import { Stage } from '../test/e2e/support/stage';
import { LATENCY } from './fanout';
import { percentile, say } from './stats';

export interface FailoverResult {
  trials: number;
  seed: number;
  lease_ttl_ms: number;
  /** Kill → the survivor's first post (or its lease acquisition when nothing was left to post). */
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  /** Kill → the survivor's first request for a delivery the killed instance had claimed: it waited out that claim (the rest it takes at its next poll). */
  after_claims: { trials: number; p50_ms: number; p95_ms: number };
  /** Kill → the survivor holding every singleton. */
  takeover_p50_ms: number;
  takeover_p95_ms: number;
  /** Discord and X posts missing, or there more than once, over all trials (the promise is 0 and 0). */
  lost_posts: number;
  duplicated_posts: number;
}

/**
 * The failover test's trial (test/e2e/support/failover.ts), measured instead of asserted: two
 * `herald start` instances on one PostgreSQL database, the singletons' holder SIGKILLed at a
 * seeded moment of each broadcast, the survivor taking over. The product's default lease TTL is
 * 10 s; the figure is for `ttlMs`, and scales with it.
 */
export async function benchFailover(opts: { trials: number; seed: number; ttlMs: number; databaseUrl: string }): Promise<FailoverResult> {
  const s = await Stage.open({ databaseUrl: opts.databaseUrl, latencyMs: LATENCY, delivery: { base_delay_ms: 100, max_delay_ms: 500, request_timeout_ms: 5_000 } });
  const inst = new Instances(s, opts.ttlMs);
  try {
    await inst.startBoth();
    const random = seededRandom(opts.seed);
    const failover: number[] = [];
    const afterClaims: number[] = [];
    const takeover: number[] = [];
    let lost = 0;
    let duplicated = 0;
    for (let n = 1; n <= opts.trials; n++) {
      const t = await failoverTrial(s, inst, n, Math.floor(random() * (POSTS_PER_BROADCAST + 1)));
      failover.push(t.failoverMs);
      takeover.push(t.takeoverMs);
      if (t.afterClaimMs !== undefined) afterClaims.push(t.afterClaimMs);
      const marker = `(trial ${n})`;
      for (const [count, expected] of [
        [s.discordPosts(marker).length, 1],
        [s.xPosts(marker).length, 3],
      ] as const) {
        lost += Math.max(0, expected - count);
        duplicated += Math.max(0, count - expected);
      }
      say(`bench: failover trial ${n}/${opts.trials}: ${t.killed} killed at post ${t.killAtPost}, ${t.survivor} posted after ${t.failoverMs} ms`);
    }
    return {
      trials: opts.trials,
      seed: opts.seed,
      lease_ttl_ms: opts.ttlMs,
      p50_ms: percentile(failover, 50),
      p95_ms: percentile(failover, 95),
      max_ms: Math.max(...failover),
      after_claims: { trials: afterClaims.length, p50_ms: percentile(afterClaims, 50), p95_ms: percentile(afterClaims, 95) },
      takeover_p50_ms: percentile(takeover, 50),
      takeover_p95_ms: percentile(takeover, 95),
      lost_posts: lost,
      duplicated_posts: duplicated,
    };
  } finally {
    inst.close();
    await s.close();
  }
}
