#!/usr/bin/env node
// herald runs its compiled JavaScript (dist/, built by `npm ci` and `npm run build` from src/ by
// scripts/build.mjs): no TypeScript compiler at start. tsx is for the tests and the bench only.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runCommonJs } from './code-cache.mjs';

// herald templates list and check read a folder of a few dozen files in a fraction of a second:
// V8's optimising compiler, on a thread of its own, would spend more compiling their code than the
// optimised code then saves (a quarter of their CPU time, measured). herald start, and the audit
// commands whose work grows with the log, keep it.
const templates = process.argv[2] === 'templates';
if (templates) setFlagsFromString('--no-opt');

// `herald start` is a long-running process that mostly waits on the network, and its RSS is
// mostly V8's heap. Two heap settings V8 still honours once it runs (the size limits are fixed
// before any script runs, so --max-semi-space-size cannot be set here): the young generation
// stays at its initial 1 MB semi-spaces instead of growing to 16 MB each while the modules load
// (the 32 MB it reserved were almost all empty after start), and --optimize-for-size makes the
// old generation grow slowly and give memory back sooner. Measured with the bench (bench/fanout.ts
// idle_rss_mb, bench/wide.ts rss_mb); the fan-out's p95 did not get worse. The short commands
// keep V8's defaults: they exit before memory matters, and start faster with them.
// `start` also begins without the optimising compiler: the start-up code (the config's schema, the
// templates, the migrations) runs once, and what the compiler's thread allocated for it stayed in
// malloc's free lists, 5-8 MB of the idle RSS (bench/fanout.ts idle_rss_mb). src/cli/start.ts
// turns it back on once herald has started, for the code that then runs again and again.
const start = process.argv.slice(2).includes('start');
if (start) {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--optimize-for-size');
  setFlagsFromString('--no-opt');
}

// `start` runs the ES module chunks, the short commands the one CommonJS file through V8's
// compiled-code cache (bin/code-cache.mjs), one cache for each set of flags set above: start runs
// for days, and reads only the chunks it runs (scripts/build.mjs says why there are two builds).
const main = fileURLToPath(new URL(start ? '../dist/main.js' : '../dist/main.cjs', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write(`herald: ${fileURLToPath(new URL('..', import.meta.url))}dist/ is not built; run npm ci (or npm run build) in herald's folder first\n`);
  process.exit(1);
}
if (start) await import(pathToFileURL(main).href);
else runCommonJs(main, templates ? 'no-opt' : 'default');
