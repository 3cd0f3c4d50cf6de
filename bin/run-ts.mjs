#!/usr/bin/env node
// Runs a TypeScript entry point through tsx, as bin/herald.mjs does for herald itself:
// `node bin/run-ts.mjs bench/run.ts` (npm run bench).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node bin/run-ts.mjs <file.ts> [args...]\n');
  process.exit(2);
}
register();
await import(pathToFileURL(resolve(entry)).href);
