// Preloaded (--import) into one CLI run of bench/cli.ts: writes the process's peak resident set
// (kilobytes, getrusage's ru_maxrss) to BENCH_MAX_RSS_FILE as it exits, however it exits.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MAX_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
