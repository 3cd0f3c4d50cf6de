/**
 * The CLI's figures: `herald --help` and `herald templates list` as an operator runs them (the
 * compiled bin/herald.mjs, a fresh Node process each time, the test fixture's config), median
 * wall time over RUNS runs after one warm-up, and the peak RSS and CPU time of one further run
 * (on a machine busy with other work the CPU time says what the wall time cannot). The warm-up
 * also writes the compiled-code cache (bin/code-cache.mjs), as an operator's first run does; the
 * same median without that cache (HERALD_CODE_CACHE_DIR empty) is printed beside it. Called by
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
const USAGE_PRELOAD = pathToFileURL(join(ROOT, 'bench/cli-usage.mjs')).href;

export interface CliFigures {
  help_ms: number;
  templates_list_ms: number;
  help_rss_mb: number;
  templates_list_rss_mb: number;
  help_cpu_ms: number;
  templates_list_cpu_ms: number;
  /** The same medians with no compiled-code cache: what every run cost before it, and a first run costs. */
  help_uncached_ms: number;
  templates_list_uncached_ms: number;
  runs: { help_ms: number[]; templates_list_ms: number[] };
}

function herald(args: string[], env: NodeJS.ProcessEnv = ENV): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/herald.mjs', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`herald ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  return ms;
}

/** Peak RSS (MB) and CPU time (ms) of one run, as the process itself counted them at exit. */
function usage(args: string[]): { rss: number; cpu: number } {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-cli-'));
  try {
    const file = join(dir, 'maxrss');
    herald(args, { ...ENV, NODE_OPTIONS: `--import=${USAGE_PRELOAD}`, BENCH_CLI_USAGE_FILE: file });
    const u = JSON.parse(readFileSync(file, 'utf8')) as { maxRSS: number; cpu: number };
    return { rss: round(u.maxRSS / 1024), cpu: round(u.cpu / 1000) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measure(args: string[]): { median: number; runs: number[]; rss: number; cpu: number; uncached: number } {
  herald(args); // warm-up: the file cache, not herald, would otherwise be the first figure
  const runs = Array.from({ length: RUNS }, () => round(herald(args)));
  const uncached = Array.from({ length: RUNS }, () => round(herald(args, { ...ENV, HERALD_CODE_CACHE_DIR: '' })));
  return { median: percentile(runs, 50), runs, ...usage(args), uncached: percentile(uncached, 50) };
}

export async function cliFigures(): Promise<CliFigures> {
  // The figures are the compiled binary's: build dist/ from the sources as they are now.
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed: ${build.stderr.trim()}`);
  say(`cli: herald --help and herald templates list, median of ${RUNS} runs each`);
  const help = measure(['--help']);
  const list = measure(['templates', 'list']);
  return {
    help_ms: help.median,
    templates_list_ms: list.median,
    help_rss_mb: help.rss,
    templates_list_rss_mb: list.rss,
    help_cpu_ms: help.cpu,
    templates_list_cpu_ms: list.cpu,
    help_uncached_ms: help.uncached,
    templates_list_uncached_ms: list.uncached,
    runs: { help_ms: help.runs, templates_list_ms: list.runs },
  };
}

// Run alone (node bin/run-ts.mjs bench/cli.ts), not when bench/run.ts imports it.
if (process.argv[2] && resolve(process.argv[2]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await cliFigures())}\n`);
}
