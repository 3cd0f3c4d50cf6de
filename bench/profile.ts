/**
 * One part of `npm run bench` alone, small enough to profile on a busy machine:
 *   node bin/run-ts.mjs bench/profile.ts fanout   (BENCH_BROADCASTS, default 15; BENCH_PROF_DIR=… adds --cpu-prof to herald)
 *   node bin/run-ts.mjs bench/profile.ts audit    (BENCH_PRODUCERS 16, BENCH_AUDIT_EVENTS 20000)
 *   node bin/run-ts.mjs bench/profile.ts wide     (BENCH_CHANNELS 25, approved on Telegram; BENCH_PROF_DIR too)
 * Prints the part's result as one JSON line.
 */
import { benchAudit } from './audit';
import { benchFanout } from './fanout';
import { benchWide } from './wide';

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

async function main(part: string | undefined) {
  const dir = process.env.BENCH_PROF_DIR;
  const prof = dir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100'] } : {};
  if (part === 'fanout') return benchFanout({ runs: num('BENCH_BROADCASTS', 15), warmup: 2, ...prof });
  if (part === 'wide') return benchWide({ channels: num('BENCH_CHANNELS', 25), comms: 'telegram', ...prof });
  if (part === 'audit') return benchAudit({ producers: num('BENCH_PRODUCERS', 16), events: num('BENCH_AUDIT_EVENTS', 20_000), singleTxEvents: 2_000 });
  throw new Error('usage: bench/profile.ts fanout|wide|audit');
}

// argv: node, bin/run-ts.mjs, bench/profile.ts, the part.
main(process.argv[3]).then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
