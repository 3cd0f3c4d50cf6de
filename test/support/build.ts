import { spawnSync } from 'node:child_process';
import { ROOT } from './config';

/**
 * vitest's global setup: the tests that run bin/herald.mjs run dist/, so it is rebuilt from the
 * sources first (scripts/build.mjs, about a second), whether the run is `npm test` or
 * `npx vitest run <files>`: a test never passes or fails on an earlier build.
 */
export default function setup(): void {
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`scripts/build.mjs failed (exit ${r.status}): ${r.stderr || r.error?.message}`);
}
