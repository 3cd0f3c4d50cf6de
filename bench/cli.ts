/**
 * The CLI's figures: `herald --help` and `herald templates list` as an operator runs them (the
 * compiled bin/herald.mjs, a fresh Node process each time, the test fixture's config), median
 * wall time over RUNS runs after one warm-up, and the peak RSS of one further run. Called by
 * bench/run.ts; alone: `node bin/run-ts.mjs bench/cli.ts` prints the JSON object.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { percentile, round, say } from './stats';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const RUNS = 5;
const ENV = { ...process.env, HERALD_CONFIG: 'test/fixtures/herald.yaml', HERALD_LOG_LEVEL: 'silent' };
const MAX_RSS = pathToFileURL(join(ROOT, 'bench/max-rss.mjs')).href;

export interface CliFigures {
  help_ms: number;
  templates_list_ms: number;
  help_rss_mb: number;
  templates_list_rss_mb: number;
  runs: { help_ms: number[]; templates_list_ms: number[] };
}

function herald(args: string[], env: NodeJS.ProcessEnv = ENV): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/herald.mjs', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`herald ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  return ms;
}

/** Peak RSS of one run, in MB, as the process itself saw it at exit. */
function peakRssMb(args: string[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-cli-'));
  try {
    const file = join(dir, 'maxrss');
    herald(args, { ...ENV, NODE_OPTIONS: `--import=${MAX_RSS}`, BENCH_MAX_RSS_FILE: file });
    return round(Number(readFileSync(file, 'utf8')) / 1024);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measure(args: string[]): { median: number; runs: number[]; rss: number } {
  herald(args); // warm-up: the file cache, not herald, would otherwise be the first figure
  const runs = Array.from({ length: RUNS }, () => round(herald(args)));
  return { median: percentile(runs, 50), runs, rss: peakRssMb(args) };
}

export async function cliFigures(): Promise<CliFigures> {
  // The figures are the compiled binary's: build dist/ from the sources as they are now.
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed: ${build.stderr.trim()}`);
  say(`cli: herald --help and herald templates list, median of ${RUNS} runs each`);
  const help = measure(['--help']);
  const list = measure(['templates', 'list']);
  return { help_ms: help.median, templates_list_ms: list.median, help_rss_mb: help.rss, templates_list_rss_mb: list.rss, runs: { help_ms: help.runs, templates_list_ms: list.runs } };
}

// Run alone (node bin/run-ts.mjs bench/cli.ts), not when bench/run.ts imports it.
if (process.argv[2] && resolve(process.argv[2]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await cliFigures())}\n`);
}
