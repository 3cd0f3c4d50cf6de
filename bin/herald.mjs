#!/usr/bin/env node
// herald runs its compiled JavaScript (dist/, built by `npm ci` and `npm run build` from src/ by
// scripts/build.mjs): no TypeScript compiler at start. tsx is for the tests and the bench only.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(`herald: ${new URL('..', main).pathname}dist/ is not built; run npm ci (or npm run build) in herald's folder first\n`);
  process.exit(1);
}
await import(main.href);
