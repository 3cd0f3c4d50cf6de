import { defineConfig } from 'vitest/config';

/**
 * Two projects. `sqlite` is every test. `postgres` runs the store's contract again on a real
 * PostgreSQL that the run starts itself (test/support/postgres-server.ts): the core's tests,
 * whose harness (test/support/config.ts) then gives each test a database of its own there.
 */
const POSTGRES_TESTS = ['test/core/**/*.test.ts', 'test/store/engines.test.ts', 'test/failover/**/*.test.ts'];
/** Tests that run bin/herald.mjs run dist/: each project rebuilds it from the sources first. */
const BUILD = 'test/support/build.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Emulators bind ephemeral loopback ports, so files can run in parallel safely;
    // two workers match the two cores every machine here has.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'], exclude: ['test/failover/**', 'test/store/engines.test.ts'], globalSetup: [BUILD] } },
      {
        extends: true,
        test: { name: 'postgres', include: POSTGRES_TESTS, globalSetup: [BUILD, 'test/support/postgres-server.ts'], env: { HERALD_TEST_ENGINE: 'postgres' } },
      },
    ],
  },
});
