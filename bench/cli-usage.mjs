// Preloaded (--import) into one CLI run of bench/cli.ts: writes the process's peak resident set
// (kilobytes, getrusage's ru_maxrss) and the CPU time it used (microseconds, user + system) to
// BENCH_CLI_USAGE_FILE as it exits, however it exits.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_CLI_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRSS: u.maxRSS, cpu: u.userCPUTime + u.systemCPUTime }));
  });
}
