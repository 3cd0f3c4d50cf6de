/**
 * `npm run bench`: herald (`herald start`, a child process) against the loopback emulators of
 * Discord, Telegram and X. Progress goes to stderr; the last line on stdout is one JSON object
 * with the figures. BENCHMARKS.md explains each figure and records a run.
 *
 * Knobs (environment): BENCH_BROADCASTS (50), BENCH_CHANNELS (25), BENCH_PRODUCERS (16),
 * BENCH_AUDIT_EVENTS (20000), BENCH_FAILOVER_TRIALS (10), BENCH_SEED (a fresh one, printed).
 * BENCH_ONLY=postgres runs only the PostgreSQL figures. The whole run is bounded by BENCH_DEADLINE_S (600).
 */
import { benchAudit } from './audit';
import { benchPostgres, type PostgresFigures } from './postgres';
import { benchFanout, LATENCY } from './fanout';
import { machine } from './machine';
import { round, say } from './stats';
import { benchWide, strip } from './wide';
import { cliFigures } from './cli';
import { benchNaive } from './naive';

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const BROADCASTS = num('BENCH_BROADCASTS', 50);
const CHANNELS = num('BENCH_CHANNELS', 25);
const PRODUCERS = num('BENCH_PRODUCERS', 16);
const AUDIT_EVENTS = num('BENCH_AUDIT_EVENTS', 20_000);
const DEADLINE_S = num('BENCH_DEADLINE_S', 600);
const FAILOVER_TRIALS = num('BENCH_FAILOVER_TRIALS', 10);
const SEED = num('BENCH_SEED', Math.floor(Math.random() * 2 ** 31));
const ONLY_POSTGRES = process.env.BENCH_ONLY === 'postgres';

/** Issue 15's bars (BENCHMARKS.md says where each comes from). */
const TARGETS = { overhead_p95_ms: 10, wide_ratio: 1.05, audit_events_per_s: 20_000, rss_mb: 120, idle_rss_mb: 90, cli_ms: 400 };
/** The wide fan-out's widths: channels per chat platform, to show how the cost grows with the work. */
const WIDTHS = [5, 25, 100];

const deadline = setTimeout(() => {
  say(`bench: did not finish within ${DEADLINE_S} s; stopping`);
  process.exit(1);
}, DEADLINE_S * 1000);
deadline.unref();

async function main() {
  const started = Date.now();
  const sqlite = ONLY_POSTGRES ? {} : await sqliteFigures();
  const postgres = await benchPostgres({ channels: CHANNELS, producers: PRODUCERS, auditEvents: AUDIT_EVENTS, failoverTrials: FAILOVER_TRIALS, seed: SEED });
  const result = {
    ...sqlite,
    postgres: postgres satisfies PostgresFigures,
    seconds: Math.round((Date.now() - started) / 1000),
    machine: machine(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** The figures on the embedded default, SQLite (one herald, a database file). */
async function sqliteFigures() {
  say(`bench: audit appends (${PRODUCERS} concurrent producers, ${AUDIT_EVENTS} events, file database)`);
  const audit = await benchAudit({ producers: PRODUCERS, events: AUDIT_EVENTS, singleTxEvents: 2_000 });
  const sweep: Record<string, number> = {};
  for (const producers of [1, 4, 64]) sweep[producers] = (await benchAudit({ producers, events: 8_000, singleTxEvents: 1 })).events_per_s;

  const cli = await cliFigures();

  say(`bench: wide fan-out, ${CHANNELS} Discord channels + ${CHANNELS} Telegram channels + an X thread, limits enforced`);
  const wide = await benchWide({ channels: CHANNELS, comms: 'telegram' });
  say(`bench: the same, approved on Discord`);
  const wideDiscord = await benchWide({ channels: CHANNELS, comms: 'discord' });
  const byWidth: Record<string, ReturnType<typeof strip>> = { [CHANNELS]: strip(wide) };
  for (const channels of WIDTHS.filter((n) => n !== CHANNELS)) {
    say(`bench: wide fan-out at ${channels} channels per chat platform`);
    byWidth[channels] = strip(await benchWide({ channels, comms: 'telegram' }));
  }

  say(`bench: fan-out latency over ${BROADCASTS} broadcasts (emulators add ${LATENCY.discord}/${LATENCY.telegram}/${LATENCY.x} ms; about ${Math.ceil((BROADCASTS * 3.2) / 60)} min)`);
  const fanout = await benchFanout({ runs: BROADCASTS, warmup: 2 });
  say(`bench: the naive relay, the same statement one platform after another, ${BROADCASTS} runs`);
  const naive = await benchNaive({ runs: BROADCASTS, texts: fanout.texts });

  // Issue 15's figure is the RSS after the wide run; the largest after any run is printed beside it.
  const rss = wide.rss_mb;
  const rssMax = Math.max(fanout.rss_mb ?? 0, wide.rss_mb ?? 0, wideDiscord.rss_mb ?? 0);
  const widthsMet = Object.values(byWidth).every((w) => w.ratio <= TARGETS.wide_ratio && w.status_429 === 0);
  return {
    fanout_latency_ms: {
      p50: fanout.p50,
      p95: fanout.p95,
      overhead_p95: fanout.overhead_p95,
      max: fanout.max,
      broadcasts: fanout.broadcasts,
      per_platform_p95: fanout.per_platform_p95,
      injected_ms: LATENCY,
    },
    wide_fanout: strip(wide),
    wide_fanout_approved_on_discord: strip(wideDiscord),
    wide_fanout_by_channels: Object.fromEntries(Object.entries(byWidth).map(([n, w]) => [n, { ratio: w.ratio, seconds: w.seconds, floor_seconds: w.floor_seconds, status_429: w.status_429 }])),
    naive_relay_ms: naive,
    herald_over_naive: { p50: round(fanout.p50 / naive.p50, 3), p95: round(fanout.p95 / naive.p95, 3) },
    cli_ms: cli,
    audit_events_per_s: audit.events_per_s,
    audit: {
      producers: audit.producers,
      events: audit.events,
      events_per_commit: audit.batch,
      single_tx_events_per_s: audit.single_tx_events_per_s,
      events_per_s_by_producers: { ...sweep, [audit.producers]: audit.events_per_s },
      chain_ok: audit.chain_ok,
    },
    rss_mb: rss,
    rss_mb_max_of_runs: rssMax,
    idle_rss_mb: fanout.idle_rss_mb,
    rss_mb_by_run: { fanout: fanout.rss_mb, wide: wide.rss_mb, wide_approved_on_discord: wideDiscord.rss_mb },
    targets_met: {
      overhead_p95: fanout.overhead_p95 <= TARGETS.overhead_p95_ms,
      wide_fanout: wide.ratio <= TARGETS.wide_ratio && wide.status_429 === 0,
      wide_fanout_every_width: widthsMet,
      audit_events_per_s: audit.events_per_s >= TARGETS.audit_events_per_s,
      rss_mb: rss !== null && rss < TARGETS.rss_mb,
      idle_rss_mb: fanout.idle_rss_mb !== null && fanout.idle_rss_mb < TARGETS.idle_rss_mb,
      cli_help_ms: cli.help_ms < TARGETS.cli_ms,
      cli_templates_list_ms: cli.templates_list_ms < TARGETS.cli_ms,
      // The baseline has no bar of its own: it is there to be compared with.
      naive_baseline_measured: naive.runs === BROADCASTS,
    },
  };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    say(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
