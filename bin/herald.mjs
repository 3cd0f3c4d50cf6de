#!/usr/bin/env node
// herald runs its compiled JavaScript (dist/, built by `npm ci` and `npm run build` from src/ by
// scripts/build.mjs): no TypeScript compiler at start. tsx is for the tests and the bench only.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// herald templates list and check read a folder of a few dozen files in a fraction of a second:
// V8's optimising compiler, on a thread of its own, would spend more compiling their code than the
// optimised code then saves (a quarter of their CPU time, measured). herald start, and the audit
// commands whose work grows with the log, keep it.
if (process.argv[2] === 'templates') setFlagsFromString('--no-opt');

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(`herald: ${new URL('..', main).pathname}dist/ is not built; run npm ci (or npm run build) in herald's folder first\n`);
  process.exit(1);
}
await import(main.href);
